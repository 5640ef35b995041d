// The client side of the HTTP server tests: a raw TCP connection on the test's own io_context (the
// server's loop), so the test drives both ends on one thread and waits for events with deadlines,
// never with sleeps.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace zenhub::hub::http::testing {

using namespace std::chrono_literals;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Runs `io` one handler at a time until `done()` holds or `timeout` passes. Returns done().
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = 5000ms);

class TestClient {
 public:
  // Connects at once: the kernel completes the handshake before the server accepts.
  TestClient(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& server);

  // Writes all of `bytes` (small: it must fit the socket buffers, nobody reads meanwhile).
  void send(std::string_view bytes);
  // Reads one response, running the loop; nullopt if the connection ends first or on timeout.
  // `headAnswer`: the answer to a HEAD request, which has no body whatever its Content-Length.
  std::optional<Response> read(std::chrono::milliseconds timeout = 5000ms, bool headAnswer = false);
  // Sends a request ("GET /x HTTP/1.1" with Host, `headers` lines, and body) and reads the answer.
  std::optional<Response> request(std::string_view method, std::string_view target,
                                  std::string_view headers = "", std::string_view body = "");
  // True when the server closes the connection (end of stream or reset) within `timeout`; bytes
  // received meanwhile are kept in received().
  bool waitClosed(std::chrono::milliseconds timeout = 5000ms);
  const std::string& received() const { return received_; }

  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::string received_;
};

}  // namespace zenhub::hub::http::testing
