// HttpServer on loopback: routing, the request as handlers see it, error answers, keep-alive,
// and handlers that answer later.
#include "hub/http/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "http_test_client.h"

namespace zenhub::hub::http {
namespace {

namespace asio = boost::asio;
using namespace testing;

// A server on 127.0.0.1, any port, with a few routes; its log lines are kept.
struct ServerFixture {
  explicit ServerFixture(HttpLimits limits = {})
      : server(io, limits, [this](const std::string& line) { log.push_back(line); }) {
    server.route("GET", "/healthz",
                 [](const HttpRequestView&) { return HttpResponse::text(200, "ok\n"); });
    server.route("POST", "/echo", [](const HttpRequestView& r) {
      std::string text =
          std::string(r.method) + " " + std::string(r.path) + " q=" + std::string(r.query) +
          " x=" + std::string(r.header("x-test").value_or("-")) + " body=" + std::string(r.body);
      return HttpResponse::text(200, text);
    });
    endpoint = server.listen("127.0.0.1", 0);
  }
  TestClient client() { return TestClient(io, endpoint); }

  asio::io_context io;
  std::vector<std::string> log;
  HttpServer server;
  asio::ip::tcp::endpoint endpoint;
};

TEST(HttpServer, ListensOnAnyFreePortAndAnswersARoute) {
  ServerFixture f;
  EXPECT_NE(f.endpoint.port(), 0);
  auto client = f.client();
  auto response = client.request("GET", "/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "ok\n");
  EXPECT_EQ((*response)[boost::beast::http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(f.server.stats().requests, 1u);
}

TEST(HttpServer, HandlersSeeQueryHeadersBodyAndPeer) {
  ServerFixture f;
  std::string peer;
  f.server.route("GET", "/peer", [&](const HttpRequestView& r) {
    peer = r.peer;
    return HttpResponse::text(200, "");
  });
  auto client = f.client();
  auto response = client.request("POST", "/echo?a=1&b=2", "X-Test: hello\r\n", "payload");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "POST /echo q=a=1&b=2 x=hello body=payload");
  ASSERT_TRUE(client.request("GET", "/peer"));
  auto local = client.socket().local_endpoint();
  EXPECT_EQ(peer, "127.0.0.1:" + std::to_string(local.port()));
}

TEST(HttpServer, AnswersNotFoundForUnknownPaths) {
  ServerFixture f;
  auto client = f.client();
  auto response = client.request("GET", "/nope");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404);
  // The connection stays usable.
  EXPECT_EQ(client.request("GET", "/healthz")->result_int(), 200);
}

TEST(HttpServer, AnswersMethodNotAllowedWithAllow) {
  ServerFixture f;
  auto client = f.client();
  auto response = client.request("POST", "/healthz", "", "x");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 405);
  EXPECT_EQ((*response)[boost::beast::http::field::allow], "GET, HEAD");
}

TEST(HttpServer, AnswersHeadWithoutABody) {
  ServerFixture f;
  auto client = f.client();
  client.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = client.read(5000ms, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result_int(), 200);
  EXPECT_EQ((*head)[boost::beast::http::field::content_length], "3");
  // The next answer follows at once: no stray body bytes in between.
  auto next = client.read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "ok\n");
}

TEST(HttpServer, AnswersBadRequestToGarbageAndCloses) {
  ServerFixture f;
  for (const char* garbage :
       {"HELLO\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "\x16\x03\x01\x02\x01\xff\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nContent-Length: -3\r\n\r\n"}) {
    auto client = f.client();
    client.send(garbage);
    auto response = client.read();
    ASSERT_TRUE(response) << garbage;
    EXPECT_EQ(response->result_int(), 400) << garbage;
    EXPECT_TRUE(client.waitClosed()) << garbage;
  }
  EXPECT_EQ(f.server.stats().rejected, 4u);
  EXPECT_TRUE(runUntil(f.io, [&] { return f.server.connections() == 0; }));
}

TEST(HttpServer, AnswersPayloadTooLargeOverTheBodyLimit) {
  HttpLimits limits;
  limits.maxBodyBytes = 100;
  ServerFixture f(limits);
  auto client = f.client();
  EXPECT_EQ(client.request("POST", "/echo", "", std::string(100, 'x'))->result_int(), 200);
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_TRUE(client.waitClosed());
  // Chunked: the limit applies to the de-chunked body as it arrives.
  auto chunked = f.client();
  chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" +
               std::string(100, 'y') + "\r\n1\r\nz\r\n0\r\n\r\n");
  auto second = chunked.read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->result_int(), 413);
}

TEST(HttpServer, AnswersHeaderFieldsTooLargeOverTheHeaderLimit) {
  HttpLimits limits;
  limits.maxHeaderBytes = 1024;
  ServerFixture f(limits);
  auto client = f.client();
  client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431);
  EXPECT_TRUE(client.waitClosed());
}

TEST(HttpServer, KeepsTheConnectionAliveForSeveralRequests) {
  ServerFixture f;
  auto client = f.client();
  EXPECT_EQ(client.request("GET", "/healthz")->body(), "ok\n");
  EXPECT_EQ(client.request("POST", "/echo", "", "two")->body(), "POST /echo q= x=- body=two");
  EXPECT_EQ(f.server.stats().accepted, 1u);
  EXPECT_EQ(f.server.connections(), 1u);
}

TEST(HttpServer, AnswersPipelinedRequestsInOrder) {
  ServerFixture f;
  auto client = f.client();
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb");
  EXPECT_EQ(client.read()->body(), "POST /echo q= x=- body=a");
  EXPECT_EQ(client.read()->body(), "POST /echo q= x=- body=b");
}

TEST(HttpServer, ClosesAfterConnectionCloseOrHttp10) {
  ServerFixture f;
  auto client = f.client();
  auto response = client.request("GET", "/healthz", "Connection: close\r\n");
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.waitClosed());
  auto old = f.client();
  old.send("GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old.read());
  EXPECT_TRUE(old.waitClosed());
  EXPECT_TRUE(runUntil(f.io, [&] { return f.server.connections() == 0; }));
}

TEST(HttpServer, AnswersServerErrorWhenAHandlerThrows) {
  ServerFixture f;
  f.server.route("GET", "/boom",
                 [](const HttpRequestView&) -> HttpResponse { throw std::runtime_error("kaput"); });
  auto client = f.client();
  EXPECT_EQ(client.request("GET", "/boom")->result_int(), 500);
  EXPECT_EQ(client.request("GET", "/healthz")->result_int(), 200);
  ASSERT_FALSE(f.log.empty());
  EXPECT_NE(f.log.back().find("kaput"), std::string::npos);
}

TEST(HttpServer, AsyncHandlerAnswersLaterFromThePosts) {
  ServerFixture f;
  int handled = 0;
  f.server.routeAsync(
      "GET", "/later", [&](const HttpRequestView& request, const Responder& responder) {
        std::string path(request.path);  // the view is gone once the handler returns
        ++handled;
        asio::post(f.io, [&f, responder, path] {
          asio::post(f.io, [responder, path] {
            responder.respond(HttpResponse::text(200, "later " + path));
          });
        });
      });
  auto client = f.client();
  EXPECT_EQ(client.request("GET", "/later")->body(), "later /later");
  EXPECT_EQ(client.request("GET", "/later")->body(), "later /later");  // keep-alive after it
  EXPECT_EQ(handled, 2);
}

TEST(HttpServer, AnswersServerErrorWhenAnAsyncHandlerDropsItsResponder) {
  ServerFixture f;
  f.server.routeAsync("GET", "/lost", [&](const HttpRequestView&, const Responder& responder) {
    asio::post(f.io, [responder] {});  // forgets to answer
  });
  auto client = f.client();
  auto response = client.request("GET", "/lost");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 500);
}

TEST(HttpServer, RefusesToListenTwiceOrOnABadAddress) {
  ServerFixture f;
  EXPECT_THROW(f.server.listen("127.0.0.1", 0), std::logic_error);
  asio::io_context io;
  HttpServer other(io);
  EXPECT_THROW(other.listen("not an address", 0), boost::system::system_error);
  EXPECT_THROW(other.listen("127.0.0.1", f.endpoint.port()), boost::system::system_error);
  EXPECT_NE(other.listen("localhost", 0).port(), 0);
}

}  // namespace
}  // namespace zenhub::hub::http
