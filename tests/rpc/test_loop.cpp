#include "test_loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace zenhub::rpc::testing {

namespace asio = boost::asio;

namespace {
// Writes to a peer that has gone must fail with EPIPE, not kill the test process.
class IgnoreSigpipe : public ::testing::Environment {
 public:
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};
[[maybe_unused]] auto* const kIgnoreSigpipe =
    ::testing::AddGlobalTestEnvironment(new IgnoreSigpipe);
}  // namespace

bool runUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto guard = asio::make_work_guard(io);  // block in run_one_for instead of spinning when idle
  if (io.stopped()) io.restart();
  while (!done()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    io.run_one_for(deadline - now);
  }
  return true;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void writeAll(int fd, const void* data, size_t size) {
  auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    KJ_REQUIRE(n > 0, "write failed", errno);
    p += n;
    size -= static_cast<size_t>(n);
  }
}

std::string readUpTo(int fd, size_t size) {
  std::string out(size, '\0');
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, out.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

std::pair<asio::ip::tcp::socket, asio::ip::tcp::socket> tcpPair(asio::io_context& io) {
  using asio::ip::tcp;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());  // completes from the backlog, before accept
  tcp::socket server(io);
  acceptor.accept(server);
  return {std::move(server), std::move(client)};
}

std::pair<asio::local::stream_protocol::socket, asio::local::stream_protocol::socket> unixPair(
    asio::io_context& io) {
  asio::local::stream_protocol::socket a(io), b(io);
  asio::local::connect_pair(a, b);
  return {std::move(a), std::move(b)};
}

}  // namespace zenhub::rpc::testing
