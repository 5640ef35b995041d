// HttpConnection: one HTTP/1.1 connection of an HttpServer (internal to src/hub/http). Reads a
// request with Beast's parser under the server's limits, hands it to the owner's router, writes
// the answer, then waits for the next request (keep-alive) or closes.
//
// Ownership: the server's map holds it, and so does every asio handler in flight (Beast's
// composed operations touch the stream and buffers until their handler runs). One timer bounds
// whatever the connection is waiting on (request, idle, write, linger); handlers check closed_
// first, because a handler queued before close() can still run with success.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hub/http/http_server.h"

namespace zenhub::hub::http {

class HttpConnection final : public Responder::Sink,
                             public std::enable_shared_from_this<HttpConnection> {
 public:
  using Socket = HttpServer::Socket;

  HttpConnection(ConnectionOwner& owner, uint64_t id, Socket socket, std::string peer);

  void start();
  // Closes the socket now, without telling the owner (which is dropping it).
  void detach();

  // Responder::Sink: the answer to the request being handled.
  void deliver(HttpResponse response) override;

 private:
  enum class Phase { kReading, kIdle, kHandling, kWriting, kLingering, kClosed };

  void readRequest();
  void waitForNext();
  void onIdleRead(const boost::system::error_code& ec, size_t bytes);
  void onRequest(const boost::system::error_code& ec);
  void dispatch();
  // Answers `status` to a request that could not be read, then closes.
  void reject(int status, const std::string& why);
  void write(HttpResponse response);
  void onWritten(const boost::system::error_code& ec);
  void linger();
  void onLingerRead(const boost::system::error_code& ec);
  // Closes and tells the owner.
  void finish();

  void armTimer(std::chrono::milliseconds timeout);
  void cancelTimer();
  void onDeadline();

  ConnectionOwner* owner_;  // null once closed
  const HttpLimits limits_;
  const uint64_t id_;
  Socket socket_;
  boost::asio::steady_timer timer_;
  uint64_t timerGeneration_ = 0;  // a wait armed before the last armTimer() is stale
  bool timedOut_ = false;
  std::string peer_;
  Phase phase_ = Phase::kReading;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  unsigned version_ = 11;     // of the request being answered
  bool keepAlive_ = false;    // the request allows another one after it
  bool headRequest_ = false;  // answer without a body
  bool rejected_ = false;     // a request could not be read: its rest may still arrive
};

}  // namespace zenhub::hub::http
