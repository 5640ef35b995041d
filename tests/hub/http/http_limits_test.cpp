// HttpServer's limits on loopback: connection count, slow senders (slowloris), idle keep-alive
// connections, slow readers, and closing or destroying the server with connections open.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <optional>

#include "http_test_client.h"
#include "hub/http/http_server.h"

namespace zenhub::hub::http {
namespace {

namespace asio = boost::asio;
using namespace testing;
using Clock = std::chrono::steady_clock;

struct LimitsFixture {
  explicit LimitsFixture(HttpLimits limits) : server(std::make_unique<HttpServer>(io, limits)) {
    server->route("GET", "/healthz",
                  [](const HttpRequestView&) { return HttpResponse::text(200, "ok\n"); });
    endpoint = server->listen("127.0.0.1", 0);
  }
  TestClient client() { return TestClient(io, endpoint); }

  asio::io_context io;
  std::unique_ptr<HttpServer> server;
  asio::ip::tcp::endpoint endpoint;
};

HttpLimits shortTimeouts() {
  HttpLimits limits;
  limits.requestTimeout = 200ms;
  limits.idleTimeout = 200ms;
  limits.writeTimeout = 200ms;
  limits.lingerTimeout = 200ms;
  return limits;
}

TEST(HttpLimits, RefusesConnectionsBeyondTheLimit) {
  HttpLimits limits;
  limits.maxConnections = 2;
  LimitsFixture f(limits);
  std::optional<TestClient> first(f.client());
  auto second = f.client();
  ASSERT_TRUE(first->request("GET", "/healthz"));
  ASSERT_TRUE(second.request("GET", "/healthz"));
  auto third = f.client();
  EXPECT_TRUE(third.waitClosed());
  EXPECT_EQ(f.server->connections(), 2u);
  EXPECT_EQ(f.server->stats().refused, 1u);
  // One goes: room for another.
  first.reset();
  ASSERT_TRUE(runUntil(f.io, [&] { return f.server->connections() == 1; }));
  auto fourth = f.client();
  ASSERT_TRUE(fourth.request("GET", "/healthz"));
  EXPECT_EQ(f.server->connections(), 2u);
}

TEST(HttpLimits, AnswersRequestTimeoutToASlowlorisAndCloses) {
  LimitsFixture f(shortTimeouts());
  auto client = f.client();
  auto start = Clock::now();
  client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408);
  EXPECT_TRUE(client.waitClosed());
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_EQ(f.server->stats().timeouts, 1u);
  EXPECT_TRUE(runUntil(f.io, [&] { return f.server->connections() == 0; }));
}

TEST(HttpLimits, TimesOutARequestTrickledByteByByte) {
  LimitsFixture f(shortTimeouts());
  auto client = f.client();
  client.send("GET /healthz HTTP/1.1\r\n");
  // One header byte every 20 ms: each read makes progress, the request never completes.
  asio::steady_timer drip(f.io);
  bool stop = false;
  std::function<void()> next = [&] {
    drip.expires_after(20ms);
    drip.async_wait([&](const boost::system::error_code& ec) {
      if (ec || stop) return;
      boost::system::error_code ignored;
      client.socket().write_some(asio::buffer("a", 1), ignored);
      if (!ignored) next();
    });
  };
  client.send("X-Slow: ");
  next();
  auto start = Clock::now();
  auto response = client.read();
  stop = true;
  drip.cancel();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST(HttpLimits, ClosesASilentConnectionWithoutAnAnswer) {
  LimitsFixture f(shortTimeouts());
  auto client = f.client();
  EXPECT_TRUE(client.waitClosed());
  EXPECT_EQ(client.received(), "");
}

TEST(HttpLimits, ClosesAnIdleKeepAliveConnection) {
  HttpLimits limits = shortTimeouts();
  limits.requestTimeout = 10s;  // only the idle timeout applies between requests
  LimitsFixture f(limits);
  auto client = f.client();
  auto start = Clock::now();  // before the request: the idle wait starts once it is answered
  ASSERT_TRUE(client.request("GET", "/healthz"));
  EXPECT_TRUE(client.waitClosed());
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_EQ(client.received(), "");
  EXPECT_EQ(f.server->stats().timeouts, 1u);
}

TEST(HttpLimits, DropsAPeerThatStopsReading) {
  LimitsFixture f(shortTimeouts());
  f.server->route("GET", "/big", [](const HttpRequestView&) {
    return HttpResponse::text(200, std::string(32u << 20, 'x'));
  });
  asio::ip::tcp::socket reader(f.io);
  reader.open(asio::ip::tcp::v4());
  reader.set_option(asio::socket_base::receive_buffer_size(4096));
  reader.connect(f.endpoint);
  asio::write(reader, asio::buffer(std::string("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")));
  ASSERT_TRUE(runUntil(f.io, [&] { return f.server->stats().requests == 1; }));
  EXPECT_TRUE(runUntil(f.io, [&] { return f.server->connections() == 0; }));
  EXPECT_EQ(f.server->stats().timeouts, 1u);
}

TEST(HttpLimits, CloseDropsEveryConnectionAndPendingAnswer) {
  LimitsFixture f(HttpLimits{});
  std::optional<Responder> pending;
  f.server->routeAsync("GET", "/wait",
                       [&](const HttpRequestView&, const Responder& r) { pending = r; });
  auto idle = f.client();
  auto used = f.client();
  ASSERT_TRUE(used.request("GET", "/healthz"));
  auto waiting = f.client();
  waiting.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(runUntil(f.io, [&] { return pending.has_value() && f.server->connections() == 3; }));

  f.server->close();
  EXPECT_EQ(f.server->connections(), 0u);
  EXPECT_TRUE(idle.waitClosed());
  EXPECT_TRUE(used.waitClosed());
  EXPECT_TRUE(waiting.waitClosed());
  EXPECT_EQ(waiting.received(), "");
  pending->respond(HttpResponse::text(200, "too late"));  // nowhere to go: nothing happens
  EXPECT_THROW(f.client(), boost::system::system_error);  // no longer listening
}

TEST(HttpLimits, DestroyingTheServerMidRequestLeavesNothingBehind) {
  LimitsFixture f(HttpLimits{});
  std::optional<Responder> pending;
  f.server->routeAsync("GET", "/wait",
                       [&](const HttpRequestView&, const Responder& r) { pending = r; });
  auto partial = f.client();
  partial.send("GET /healthz HTTP/1.1\r\nHo");
  auto waiting = f.client();
  waiting.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(runUntil(f.io, [&] { return pending.has_value() && f.server->connections() == 2; }));

  f.server.reset();  // handlers still queued in the loop must not touch it
  EXPECT_TRUE(partial.waitClosed());
  EXPECT_TRUE(waiting.waitClosed());
  pending.reset();  // the dropped responder's 500 has nowhere to go
  f.io.restart();
  f.io.poll();
}

}  // namespace
}  // namespace zenhub::hub::http
