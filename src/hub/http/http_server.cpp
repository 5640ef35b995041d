#include "hub/http/http_server.h"

#include <exception>
#include <stdexcept>

#include "hub/http/http_connection.h"

namespace zenhub::hub::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::chrono::milliseconds kAcceptRetry{100};

std::string describe(const tcp::endpoint& endpoint) {
  auto address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(endpoint.port());
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, HttpLimits limits, Logger log)
    : limits_(limits), log_(std::move(log)), acceptor_(io), acceptRetry_(io) {}

HttpServer::~HttpServer() {
  *alive_ = false;
  close();
}

void HttpServer::route(std::string method, std::string path, SyncHandler handler) {
  if (!handler) throw std::logic_error("HttpServer: no handler for " + method + " " + path);
  router_.add(
      std::move(method), std::move(path),
      [handler = std::move(handler)](const HttpRequestView& request, const Responder& responder) {
        responder.respond(handler(request));
      });
}

void HttpServer::routeAsync(std::string method, std::string path, AsyncHandler handler) {
  router_.add(std::move(method), std::move(path), std::move(handler));
}

tcp::endpoint HttpServer::listen(const std::string& host, uint16_t port) {
  if (acceptor_.is_open()) throw std::logic_error("HttpServer: already listening");
  // An address literal only: resolving a name could block the loop.
  auto address = asio::ip::make_address(host == "localhost" ? std::string("127.0.0.1") : host);
  tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol());
  try {
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  } catch (...) {
    error_code ignored;
    acceptor_.close(ignored);
    throw;
  }
  accept();
  return acceptor_.local_endpoint();
}

void HttpServer::accept() {
  acceptor_.async_accept([this, alive = alive_](const error_code& ec, tcp::socket socket) {
    if (!*alive || ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Out of descriptors and the like: try again shortly rather than spin.
      log("event=http_accept_failed error=\"" + ec.message() + "\"");
      acceptRetry_.expires_after(kAcceptRetry);
      acceptRetry_.async_wait([this, alive](const error_code& waitError) {
        if (*alive && !waitError && acceptor_.is_open()) accept();
      });
      return;
    }
    error_code ignored;
    auto remote = socket.remote_endpoint(ignored);
    std::string peer = ignored ? std::string("unknown") : describe(remote);
    socket.set_option(tcp::no_delay(true), ignored);
    serve(Socket(std::move(socket)), std::move(peer));
    accept();
  });
}

void HttpServer::serve(Socket socket, std::string peer) {
  if (connections_.size() >= limits_.maxConnections) {
    ++counters_.refused;
    log("event=http_connection_refused peer=" + peer + " reason=\"connection limit " +
        std::to_string(limits_.maxConnections) + " reached\"");
    error_code ignored;
    socket.close(ignored);
    return;
  }
  ++counters_.accepted;
  uint64_t id = nextId_++;
  auto connection = std::make_shared<HttpConnection>(static_cast<ConnectionOwner&>(*this), id,
                                                     std::move(socket), std::move(peer));
  connections_.emplace(id, connection);
  connection->start();
}

void HttpServer::close() {
  error_code ignored;
  acceptor_.close(ignored);
  acceptRetry_.cancel();
  auto connections = std::move(connections_);
  connections_.clear();
  for (auto& [id, connection] : connections) connection->detach();
}

void HttpServer::dispatch(const HttpRequestView& request, Responder responder) {
  auto match = router_.match(request.method, request.path);
  if (match.handler == nullptr) {
    auto response =
        HttpResponse::text(match.status, std::string(reasonPhrase(match.status)) + "\n");
    if (match.status == 405) response.headers.emplace_back("Allow", match.allow);
    responder.respond(std::move(response));
    return;
  }
  // A failing handler is a bug in it, not in the request: 500, logged, and the connection goes on.
  std::string error;
  try {
    (*match.handler)(request, responder);
    return;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  log("event=http_handler_failed method=" + std::string(request.method) +
      " path=" + std::string(request.path) + " error=\"" + error + "\"");
  responder.respond(HttpResponse::text(500, "internal error\n"));
}

void HttpServer::connectionClosed(uint64_t id) {
  connections_.erase(id);
}

void HttpServer::log(const std::string& line) {
  if (log_) log_(line);
}

}  // namespace zenhub::hub::http
