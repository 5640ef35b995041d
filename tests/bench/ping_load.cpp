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
};

class Load {
 public:
  Load(std::chrono::steady_clock::time_point until) : until_(until) {}
  kj::Promise<void> loop(schema::Hub::Client& hub) {
    if (std::chrono::steady_clock::now() >= until_) return kj::READY_NOW;
    return hub.pingRequest().send().then([this, &hub](auto&&) {
      ++calls_;
      return loop(hub);
    });
  }
  uint64_t calls() const { return calls_; }

 private:
  std::chrono::steady_clock::time_point until_;
  uint64_t calls_ = 0;
};

}  // namespace

LoadResult runPingLoad(uint16_t port, int connections, int inFlight, std::chrono::milliseconds duration,
                       const std::string& user, const std::string& password) {
  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;
  std::vector<Connection> conns(static_cast<size_t>(connections));
  for (auto& c : conns) {
    auto address = io.provider->getNetwork().parseAddress("127.0.0.1", port).wait(ws);
    c.stream = address->connect().wait(ws);
    c.client = kj::heap<capnp::TwoPartyClient>(*c.stream);
    auto login = c.client->bootstrap().castAs<schema::Login>();
    auto request = login.loginRequest();
    request.setUser(user);
    request.setPassword(password);
    c.hub = request.send().wait(ws).getHub();
    c.hub.pingRequest().send().wait(ws);  // warm the path
  }
  auto start = std::chrono::steady_clock::now();
  Load load(start + duration);
  kj::Vector<kj::Promise<void>> running;
  for (auto& c : conns) {
    for (int i = 0; i < inFlight; ++i) running.add(load.loop(c.hub));
  }
  kj::joinPromises(running.releaseAsArray()).wait(ws);
  LoadResult result;
  result.calls = load.calls();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
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
