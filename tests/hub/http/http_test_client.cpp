#include "http_test_client.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace zenhub::hub::http::testing {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

bool runUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  io.restart();
  while (!done()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    // At most 10 ms per turn, so that done() is checked even when nothing happens.
    io.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, 10ms));
    if (io.stopped()) io.restart();
  }
  return true;
}

TestClient::TestClient(asio::io_context& io, const asio::ip::tcp::endpoint& server)
    : io_(io), socket_(io) {
  socket_.connect(server);
}

void TestClient::send(std::string_view bytes) {
  asio::write(socket_, asio::buffer(bytes));
}

std::optional<Response> TestClient::read(std::chrono::milliseconds timeout, bool headAnswer) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  parser.skip(headAnswer);
  bool finished = false;
  error_code error;
  bhttp::async_read(socket_, buffer_, parser, [&](const error_code& ec, size_t) {
    error = ec;
    finished = true;
  });
  if (!runUntil(
          io_, [&] { return finished; }, timeout)) {
    error_code ignored;
    socket_.cancel(ignored);
    runUntil(io_, [&] { return finished; });  // the handler refers to locals: let it run
    return std::nullopt;
  }
  if (error) return std::nullopt;
  return parser.release();
}

std::optional<Response> TestClient::request(std::string_view method, std::string_view target,
                                            std::string_view headers, std::string_view body) {
  std::string text =
      std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n";
  text += headers;
  if (!body.empty()) text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  text += "\r\n";
  text += body;
  send(text);
  return read();
}

bool TestClient::waitClosed(std::chrono::milliseconds timeout) {
  // Whatever the read buffer already holds counts as received.
  received_.append(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  bool closed = false;
  bool pending = false;
  char chunk[4096];
  std::function<void()> readMore = [&] {
    pending = true;
    socket_.async_read_some(asio::buffer(chunk), [&](const error_code& ec, size_t n) {
      pending = false;
      received_.append(chunk, n);
      if (ec) {
        closed = ec != asio::error::operation_aborted;
        return;
      }
      readMore();
    });
  };
  readMore();
  bool ok = runUntil(
      io_, [&] { return closed; }, timeout);
  if (pending) {
    error_code ignored;
    socket_.cancel(ignored);
    runUntil(io_, [&] { return !pending; });
  }
  return ok;
}

}  // namespace zenhub::hub::http::testing
