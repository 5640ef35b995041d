#include "ctl/http_get.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace zenhub::ctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpReply httpGet(const std::string& address, const std::string& target, std::chrono::milliseconds timeout) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    throw std::runtime_error("expected host:port, got '" + address + "'");
  }
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "zenhubctl");
  request.set(http::field::connection, "close");
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  boost::system::error_code failure;
  std::string step = "connect to";

  // The exchange as one chain of async steps, so that one deadline bounds all of it.
  asio::ip::tcp::resolver resolver(io);
  stream.expires_after(timeout);
  resolver.async_resolve(host, port, [&](boost::system::error_code ec, asio::ip::tcp::resolver::results_type hosts) {
    if (ec) {
      failure = ec;
      return;
    }
    stream.async_connect(hosts, [&](boost::system::error_code connected, const auto&) {
      if (connected) {
        failure = connected;
        return;
      }
      step = "send to";
      http::async_write(stream, request, [&](boost::system::error_code sent, size_t) {
        if (sent) {
          failure = sent;
          return;
        }
        step = "read the answer of";
        http::async_read(stream, buffer, response, [&](boost::system::error_code read, size_t) { failure = read; });
      });
    });
  });
  io.run();
  if (failure) {
    throw std::runtime_error("cannot " + step + " " + address + ": " + failure.message());
  }
  return HttpReply{static_cast<int>(response.result_int()), response.body()};
}

}  // namespace zenhub::ctl
