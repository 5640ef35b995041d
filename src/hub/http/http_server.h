// HttpServer: a small HTTP/1.1 server (Boost.Beast) on the hub's io_context, for the status
// endpoint (/healthz, /readyz, /metrics, /stats) and XML-RPC. Runs on the hub's one thread:
// handlers are called on the loop and must not block it; an expensive answer is given later
// through the Responder (routeAsync).
//
// Limits (DESIGN.md sections 10 and 11), each answered without disturbing other connections:
// - beyond `maxConnections` a new connection is closed at once (logged, counted);
// - a header block over `maxHeaderBytes`: 431; a body over `maxBodyBytes`: 413; a request Beast's
//   parser refuses: 400. The connection is closed after each of these;
// - a request must arrive whole within `requestTimeout` of its first byte (of the accept, for the
//   first one): otherwise 408 and close (slowloris). A connection that sent nothing is closed
//   without an answer;
// - keep-alive: between requests a connection may idle for `idleTimeout`, then it is closed;
// - a response must be written within `writeTimeout` (a peer that stops reading is dropped).
// Requests on one connection are answered in order, one at a time (pipelined ones wait).
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hub/http/http_message.h"
#include "hub/http/http_router.h"

namespace zenhub::hub::http {

struct HttpLimits {
  size_t maxConnections = 64;
  uint32_t maxHeaderBytes = 16 * 1024;  // request line and headers
  uint64_t maxBodyBytes = 1 << 20;      // after de-chunking
  std::chrono::milliseconds requestTimeout{10000};
  std::chrono::milliseconds idleTimeout{60000};
  std::chrono::milliseconds writeTimeout{10000};
  // After an error answer (or one closing a connection with more requests pipelined), how long
  // unread input is drained so that the peer sees the answer rather than a reset.
  std::chrono::milliseconds lingerTimeout{1000};
};

struct HttpCounters {
  uint64_t accepted = 0;
  uint64_t refused = 0;   // beyond maxConnections
  uint64_t requests = 0;  // parsed and handed to the router
  uint64_t rejected = 0;  // 400, 408, 413, 431
  uint64_t timeouts = 0;  // request, idle and write timeouts
};

class HttpConnection;

// What a connection needs of its server. The server detaches every connection when it closes, so
// a connection never calls a server that is gone.
class ConnectionOwner {
 public:
  virtual const HttpLimits& limits() const = 0;
  virtual HttpCounters& counters() = 0;
  virtual void dispatch(const HttpRequestView& request, Responder responder) = 0;
  virtual void connectionClosed(uint64_t id) = 0;
  virtual void log(const std::string& line) = 0;

 protected:
  ~ConnectionOwner() = default;
};

class HttpServer final : private ConnectionOwner {
 public:
  using Socket = boost::asio::generic::stream_protocol::socket;
  using Logger = std::function<void(const std::string&)>;

  // `io` must outlive the server. `log` receives one key=value line per refused connection,
  // rejected request, timeout and failing handler.
  explicit HttpServer(boost::asio::io_context& io, HttpLimits limits = {}, Logger log = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes (method, path) to a handler answering at once. Throws std::logic_error if routed twice.
  void route(std::string method, std::string path, SyncHandler handler);
  // Routes (method, path) to a handler that answers through its Responder, now or later.
  void routeAsync(std::string method, std::string path, AsyncHandler handler);

  // Listens on `host` (an IP address, or "localhost") and `port` (0: any free port) and starts
  // accepting. Returns the bound endpoint. Throws boost::system::system_error (address in use,
  // bad address) or std::logic_error when already listening.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, uint16_t port);

  // Serves a connection accepted elsewhere (tests, the fuzz target). Subject to maxConnections.
  void serve(Socket socket, std::string peer);

  // Stops accepting and closes every connection now; answers still pending are dropped.
  void close();

  size_t connections() const { return connections_.size(); }
  const HttpCounters& stats() const { return counters_; }
  const HttpLimits& limits() const override { return limits_; }

 private:
  HttpCounters& counters() override { return counters_; }
  void dispatch(const HttpRequestView& request, Responder responder) override;
  void connectionClosed(uint64_t id) override;
  void log(const std::string& line) override;
  void accept();

  HttpLimits limits_;
  Logger log_;
  HttpRouter router_;
  HttpCounters counters_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer acceptRetry_;  // after an accept error such as EMFILE
  uint64_t nextId_ = 1;
  // Shared with the asio handlers in flight: Beast's composed operations use the connection's
  // stream and buffers until their handler has run, so each handler holds its connection.
  std::map<uint64_t, std::shared_ptr<HttpConnection>> connections_;
  // Queued accept handlers hold this and do nothing once it is false.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub::http
