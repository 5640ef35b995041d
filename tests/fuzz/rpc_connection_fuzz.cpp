// Arbitrary bytes on a collector connection: the hub's real stream adapter, two-party network,
// RPC system with the hub's reader limits, and the Login bootstrap, on the asio event port.
// Whatever arrives, the connection ends (or idles) without crashing; the process stays sound.
#include <sys/socket.h>
#include <unistd.h>

#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "rpc/asio_stream.h"
#include "rpc/authenticator.h"
#include "rpc/event_port.h"
#include "rpc/login.h"

namespace {

using namespace zenhub;

class FuzzConnection final : public rpc::ConnectionContext {
 public:
  uint64_t id() const override { return 1; }
  const std::string& peer() const override { return peer_; }
  const std::string& certificateName() const override { return name_; }
  void markAuthenticated() override {}
  bool authenticated() const override { return false; }
  void close(const std::string&) override {}
  void onClose(std::function<void()>) override {}

 private:
  std::string peer_ = "127.0.0.1:1";
  std::string name_;
};

class PongHub final : public schema::Hub::Server {
  kj::Promise<void> ping(PingContext context) override {
    context.getResults().setReply("pong");
    return kj::READY_NOW;
  }
};

struct World {
  boost::asio::io_context io;
  rpc::AsioEventPort port{io};
  rpc::PasswordAuthenticator auth{io, rpc::PasswdFile::parse("admin:zenoss\n", "fuzz")};
  rpc::LoginFailures failures;
  FuzzConnection connection;
};

World& world() {
  static World* w = new World;  // one event loop per thread, kept for the whole run
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& w = world();
  w.io.restart();  // the previous input may have left it stopped (out of work)
  boost::asio::local::stream_protocol::socket server(w.io), client(w.io);
  boost::asio::local::connect_pair(server, client);
  // The peer writes everything (at most 64 KiB: it must fit the socket buffer, nobody reads
  // yet), then closes: the hub side must reach end of stream.
  size = std::min<size_t>(size, 65536);
  boost::asio::write(client, boost::asio::buffer(data, size));
  client.close();
  {
    rpc::UnixStream stream(std::move(server));
    capnp::ReaderOptions limits;
    limits.traversalLimitInWords = 1u << 20;
    limits.nestingLimit = 64;
    capnp::TwoPartyVatNetwork network(stream, capnp::rpc::twoparty::Side::SERVER, limits);
    rpc::LoginPolicy policy;
    policy.failureDelay = 0 * kj::MILLISECONDS;
    auto login = kj::heap<rpc::LoginServer>(
        w.connection, w.auth, w.failures, w.port.timer(), policy,
        [](const rpc::LoginIdentity&, rpc::ConnectionContext&) -> schema::Hub::Client { return kj::heap<PongHub>(); },
        [](const std::string&) {});
    auto rpcSystem = capnp::makeRpcServer(network, capnp::Capability::Client(kj::mv(login)));
    bool done = false;
    auto watch = network.onDisconnect()
                     .then([&]() { done = true; }, [&](kj::Exception&&) { done = true; })
                     .eagerlyEvaluate(nullptr);
    boost::asio::steady_timer deadline(w.io, std::chrono::seconds(2));
    bool late = false;
    deadline.async_wait([&](const boost::system::error_code& ec) { late = !ec; });
    while (!done && !late) {
      w.io.run_one();
    }
    if (late && std::getenv("FUZZ_DEBUG")) std::fprintf(stderr, "connection still open after 2 s\n");
    deadline.cancel();
    w.io.poll();
  }
  w.port.drainKj();
  w.io.poll();
  return 0;
}
