// Arbitrary bytes on an HTTP connection: the hub's HttpServer (Beast's request parser under the
// server's limits, the router, keep-alive, error answers, a handler answering later) on its
// io_context. Whatever arrives, the connection ends without crashing once the peer has sent
// everything and closed its side; a connection that never ends is reported as a hang.
#include <algorithm>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "hub/http/basic_auth.h"
#include "hub/http/http_server.h"

namespace {

namespace asio = boost::asio;
using namespace zenhub::hub::http;

struct World {
  World() {
    HttpLimits limits;
    limits.maxHeaderBytes = 4096;
    limits.maxBodyBytes = 8192;
    server.emplace(io, limits);
    server->route("GET", "/healthz",
                  [](const HttpRequestView&) { return HttpResponse::text(200, "ok\n"); });
    server->route("POST", "/RPC2", [](const HttpRequestView& r) {
      auto credentials = parseBasicAuth(r.header("authorization").value_or(""));
      if (!credentials) return unauthorized("zenhub");
      return HttpResponse::text(200, std::string(r.body));
    });
    server->routeAsync("GET", "/later",
                       [this](const HttpRequestView& r, const Responder& responder) {
                         asio::post(io, [responder, query = std::string(r.query)] {
                           if (query != "drop") responder.respond(HttpResponse::text(200, query));
                         });
                       });
  }
  asio::io_context io;
  std::optional<HttpServer> server;
};

World& world() {
  static World* w = new World;  // kept for the whole run
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& w = world();
  asio::local::stream_protocol::socket server(w.io), client(w.io);
  asio::local::connect_pair(server, client);
  w.server->serve(HttpServer::Socket(std::move(server)), "fuzz");

  // The peer writes everything, then half-closes, and reads whatever comes back until the end.
  bool written = false, ended = false;
  asio::async_write(client, asio::buffer(data, size),
                    [&](const boost::system::error_code&, size_t) {
                      boost::system::error_code ignored;
                      client.shutdown(asio::socket_base::shutdown_send, ignored);
                      written = true;
                    });
  char sink[4096];
  std::function<void()> drain = [&] {
    client.async_read_some(asio::buffer(sink), [&](const boost::system::error_code& ec, size_t) {
      if (ec) {
        ended = true;
      } else {
        drain();
      }
    });
  };
  drain();

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  w.io.restart();
  while (!(written && ended && w.server->connections() == 0)) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "http_request_fuzz: the connection did not end\n");
      std::abort();
    }
    w.io.run_one_for(std::chrono::milliseconds(10));
    if (w.io.stopped()) w.io.restart();
  }
  return 0;
}
