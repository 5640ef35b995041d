// RpcListener's limits: connection count, login deadline, and peers that stop reading.
#include <gtest/gtest.h>
#include <capnp/rpc-twoparty.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "rpc/rpc_listener.h"
#include "test_loop.h"
#include "test_servers.h"

namespace zenhub::rpc {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace testing;
using test_schema::Big;

// A listener serving TestBig on loopback; connections with an id in `authenticatedIds` (or
// all, when empty) count as logged in at once.
struct ListenerFixture {
  explicit ListenerFixture(Loop& loop, ConnectionLimits limits, std::vector<uint64_t> authIds = {})
      : authenticatedIds(std::move(authIds)),
        listener(
            loop.io, tcp::endpoint(asio::ip::address_v4::loopback(), 0), limits,
            [this](ConnectionContext& connection) {
              if (authenticatedIds.empty() ||
                  std::count(authenticatedIds.begin(), authenticatedIds.end(), connection.id())) {
                connection.markAuthenticated();
              }
              return capnp::Capability::Client(kj::heap<TestBig>());
            },
            [this](const std::string& line) { log.push_back(line); }) {}

  bool logged(const std::string& part) const {
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& line) { return line.find(part) != std::string::npos; });
  }

  std::vector<uint64_t> authenticatedIds;
  std::vector<std::string> log;
  RpcListener listener;
};

// A client on the test's loop over a TCP connection to the listener.
struct Client {
  Client(Loop& loop, tcp::endpoint endpoint) : stream(connect(loop, endpoint)) {}
  static tcp::socket connect(Loop& loop, tcp::endpoint endpoint) {
    tcp::socket socket(loop.io);
    socket.connect(endpoint);
    socket.set_option(tcp::no_delay(true));  // as RPC clients do: no Nagle delay on small calls
    return socket;
  }
  TcpStream stream;
  capnp::TwoPartyClient rpc{stream};
  Big::Client big = rpc.bootstrap().castAs<Big>();
};

kj::Promise<std::string> ping(Big::Client& big) {
  return big.pingRequest().send().then(
      [](capnp::Response<Big::PingResults>&& r) { return std::string(r.getReply()); });
}

// True when the server closed `fd` (read sees EOF within 5 s).
bool closedByServer(int fd) {
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char c;
  return ::read(fd, &c, 1) == 0;
}

TEST(RpcListener, RefusesConnectionsBeyondTheLimit) {
  Loop loop;
  ConnectionLimits limits;
  limits.maxConnections = 1;
  ListenerFixture f(loop, limits);
  Client first(loop, f.listener.localEndpoint());
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.connectionCount() == 1; }));

  auto extraSocket = Client::connect(loop, f.listener.localEndpoint());
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.droppedTotal() == 1; }));
  Fd extra = release(extraSocket);
  EXPECT_TRUE(closedByServer(extra.get()));
  EXPECT_EQ(f.listener.connectionCount(), 1u);
  EXPECT_EQ(f.listener.acceptedTotal(), 1u);
  EXPECT_TRUE(f.logged("connection limit 1 reached"));
  EXPECT_EQ(settle(loop.io, ping(first.big)), "pong") << "the connection within the limit is served";
}

TEST(RpcListener, ClosesConnectionThatDoesNotLogInBeforeTheDeadline) {
  Loop loop;
  ConnectionLimits limits;
  limits.loginDeadline = 100ms;
  ListenerFixture f(loop, limits, {1});  // the first connection logs in, the second does not
  Client loggedIn(loop, f.listener.localEndpoint());
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.connectionCount() == 1; }));
  auto start = std::chrono::steady_clock::now();
  auto idleSocket = Client::connect(loop, f.listener.localEndpoint());
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.connectionCount() == 2; }));

  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.connectionCount() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_TRUE(f.logged("id=2 peer="));
  EXPECT_TRUE(f.logged("reason=\"no login within the deadline\""));
  EXPECT_FALSE(f.logged("event=connection_closed id=1"));
  Fd idle = release(idleSocket);
  EXPECT_TRUE(closedByServer(idle.get()));
  // The logged-in connection, opened earlier with the same deadline, stays and is served.
  EXPECT_EQ(settle(loop.io, ping(loggedIn.big)), "pong");
}

// Reads nothing, ever: the peer that stops reading its answers.
class NeverReads final : public kj::AsyncIoStream {
 public:
  explicit NeverReads(kj::AsyncIoStream& inner) : inner_(inner) {}
  kj::Promise<size_t> tryRead(void*, size_t, size_t) override { return kj::NEVER_DONE; }
  kj::Promise<void> write(const void* buffer, size_t size) override { return inner_.write(buffer, size); }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return inner_.write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_.whenWriteDisconnected(); }
  void shutdownWrite() override { inner_.shutdownWrite(); }

 private:
  kj::AsyncIoStream& inner_;
};

kj::Promise<void> pingForever(Big::Client big, uint64_t& count) {
  auto request = big.pingRequest();
  return request.send().then([big = kj::mv(big), &count](auto&&) mutable {
    ++count;
    return pingForever(kj::mv(big), count);
  });
}

TEST(RpcListener, DropsPeerThatStopsReadingWhileOthersAreServed) {
  Loop loop;
  ConnectionLimits limits;
  limits.maxOutboundBytes = 1u << 20;
  limits.sweepInterval = 200ms;  // a window in which the stuck peer holds its queue
  ListenerFixture f(loop, limits);

  Client good(loop, f.listener.localEndpoint());
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.connectionCount() == 1; }));
  auto slowSocket = Client::connect(loop, f.listener.localEndpoint());
  int small = 4096;
  slowSocket.set_option(asio::socket_base::receive_buffer_size(small));
  TcpStream slowStream(std::move(slowSocket));
  NeverReads slowReads(slowStream);
  capnp::TwoPartyClient slow(slowReads);
  auto slowBig = slow.bootstrap().castAs<Big>();
  kj::Vector<kj::Promise<void>> asks;
  for (int i = 0; i < 64; ++i) {  // 16 MiB of answers
    auto request = slowBig.getRequest();
    request.setSize(256u << 10);
    asks.add(request.send().ignoreResult());
  }

  uint64_t goodPings = 0;
  auto start = std::chrono::steady_clock::now();
  auto pinging = pingForever(good.big, goodPings).eagerlyEvaluate(nullptr);
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.droppedTotal() == 1; }, 10000ms));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 2000ms) << "dropped late";
  EXPECT_GE(goodPings, 10u) << "the good connection was not served meanwhile";
  std::printf("[ info ] slow peer dropped after %lld ms; %llu pings served on the good one meanwhile\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
              static_cast<unsigned long long>(goodPings));
  ASSERT_TRUE(runUntil(loop.io, [&]() { return f.listener.connectionCount() == 1; }));
  EXPECT_TRUE(f.logged("reason=\"peer not reading"));
  uint64_t before = goodPings;
  ASSERT_TRUE(runUntil(loop.io, [&]() { return goodPings >= before + 100; }));
}

}  // namespace
}  // namespace zenhub::rpc
