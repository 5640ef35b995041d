#include "ping_load.h"

#include <capnp/ez-rpc.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <fstream>
#include <vector>

#include "hub.capnp.h"

namespace zenhub::bench {

namespace {

struct Connection {
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyClient> client;
  schema::Hub::Client hub = nullptr;
  schema::PingConfig::Client service = nullptr;
};

class Load {
 public:
  Load(std::chrono::steady_clock::time_point until, CallKind kind) : until_(until), kind_(kind) {}
  kj::Promise<void> loop(Connection& c) {
    if (std::chrono::steady_clock::now() >= until_) return kj::READY_NOW;
    auto next = [this, &c]() {
      ++calls_;
      return loop(c);
    };
    if (kind_ == CallKind::kServiceCall) {
      return c.service.getConfigPropertiesRequest().send().then([next](auto&&) mutable { return next(); });
    }
    return c.hub.pingRequest().send().then([next](auto&&) mutable { return next(); });
  }
  uint64_t calls() const { return calls_; }

 private:
  std::chrono::steady_clock::time_point until_;
  CallKind kind_;
  uint64_t calls_ = 0;
};

schema::Hub::Client login(Connection& c, const std::string& user, const std::string& password,
                          kj::WaitScope& ws) {
  auto request = c.client->bootstrap().castAs<schema::Login>().loginRequest();
  request.setUser(user);
  request.setPassword(password);
  return request.send().wait(ws).getHub();
}

}  // namespace

// Connects `c`, logs in and, for service calls, gets localhost's PingConfig.
static void connect(Connection& c, kj::AsyncIoContext& io, uint16_t port, const std::string& user,
                    const std::string& password, CallKind kind) {
  auto& ws = io.waitScope;
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", port).wait(ws);
  c.stream = address->connect().wait(ws);
  c.client = kj::heap<capnp::TwoPartyClient>(*c.stream);
  c.hub = login(c, user, password, ws);
  if (kind == CallKind::kServiceCall) {
    auto request = c.hub.getServiceRequest();
    request.setName("PingConfig");
    request.setMonitor("localhost");
    c.service = request.send().wait(ws).getService().castAs<schema::PingConfig>();
  }
}

LoadResult runPingLoad(uint16_t port, int connections, int inFlight, std::chrono::milliseconds duration,
                       const std::string& user, const std::string& password, CallKind kind) {
  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;
  std::vector<Connection> conns(static_cast<size_t>(connections));
  for (auto& c : conns) {
    connect(c, io, port, user, password, kind);
    if (kind == CallKind::kServiceCall) {
      c.service.getConfigPropertiesRequest().send().wait(ws);  // warm the path
    } else {
      c.hub.pingRequest().send().wait(ws);  // warm the path
    }
  }
  auto start = std::chrono::steady_clock::now();
  Load load(start + duration, kind);
  kj::Vector<kj::Promise<void>> running;
  for (auto& c : conns) {
    for (int i = 0; i < inFlight; ++i) running.add(load.loop(c));
  }
  kj::joinPromises(running.releaseAsArray()).wait(ws);
  LoadResult result;
  result.calls = load.calls();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::vector<double> sampleRoundTrips(uint16_t port, std::chrono::milliseconds duration, const std::string& user,
                                     const std::string& password, CallKind kind) {
  using Clock = std::chrono::steady_clock;
  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;
  Connection c;
  connect(c, io, port, user, password, kind);
  auto call = [&]() {
    if (kind == CallKind::kServiceCall) {
      c.service.getConfigPropertiesRequest().send().wait(ws);
    } else {
      c.hub.pingRequest().send().wait(ws);
    }
  };
  call();  // warm the path
  std::vector<double> samples;
  auto until = Clock::now() + duration;
  for (auto start = Clock::now(); start < until;) {
    call();
    auto end = Clock::now();
    samples.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    start = end;
  }
  return samples;
}

double runLogins(uint16_t port, int count, const std::string& user, const std::string& password) {
  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", port).wait(ws);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    Connection c;
    c.stream = address->connect().wait(ws);
    c.client = kj::heap<capnp::TwoPartyClient>(*c.stream);
    c.hub = login(c, user, password, ws);
  }
  return count / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

namespace {
class BaselineHub final : public schema::Hub::Server {
 public:
  kj::Promise<void> ping(PingContext context) override {
    context.getResults().setReply("pong");
    return kj::READY_NOW;
  }
};
class BaselineLogin final : public schema::Login::Server {
 public:
  kj::Promise<void> login(LoginContext context) override {
    context.getResults().setHub(kj::heap<BaselineHub>());
    return kj::READY_NOW;
  }
};
}  // namespace

int serveBaseline(const std::string& portFile) {
  capnp::EzRpcServer server(kj::heap<BaselineLogin>(), "127.0.0.1", 0);
  auto& ws = server.getWaitScope();
  uint port = server.getPort().wait(ws);
  {
    std::ofstream out(portFile + ".tmp");
    out << port << "\n";
  }
  std::rename((portFile + ".tmp").c_str(), portFile.c_str());
  kj::NEVER_DONE.wait(ws);
  return 0;
}

}  // namespace zenhub::bench
