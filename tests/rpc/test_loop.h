// Helpers shared by the rpc tests: one io_context + AsioEventPort per test, waiting for an event
// with a deadline (never a sleep), and connected socket pairs.
#pragma once

#include <gtest/gtest.h>
#include <kj/async.h>
#include <kj/debug.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <utility>

#include "rpc/event_port.h"

namespace zenhub::rpc::testing {

using namespace std::chrono_literals;

// Runs `io` one handler at a time until `done()` holds or `timeout` passes. Returns done().
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = 5000ms);

// Runs `io` until `promise` settles (or `timeout`: then throws). Returns its value or rethrows its
// exception.
template <typename T>
T settle(boost::asio::io_context& io, kj::Promise<T> promise,
         std::chrono::milliseconds timeout = 5000ms) {
  kj::Maybe<kj::Exception> error;
  bool settled = false;
  if constexpr (std::is_void_v<T>) {
    auto watch = promise.then([&]() { settled = true; },
                              [&](kj::Exception&& e) { error = kj::mv(e); settled = true; })
                     .eagerlyEvaluate(nullptr);
    KJ_REQUIRE(runUntil(io, [&]() { return settled; }, timeout), "promise did not settle in time");
    KJ_IF_MAYBE(e, error) { kj::throwFatalException(kj::mv(*e)); }
  } else {
    kj::Maybe<T> result;
    auto watch = promise.then([&](T&& v) { result = kj::mv(v); settled = true; },
                              [&](kj::Exception&& e) { error = kj::mv(e); settled = true; })
                     .eagerlyEvaluate(nullptr);
    KJ_REQUIRE(runUntil(io, [&]() { return settled; }, timeout), "promise did not settle in time");
    KJ_IF_MAYBE(e, error) { kj::throwFatalException(kj::mv(*e)); }
    return kj::mv(KJ_ASSERT_NONNULL(result));
  }
}

// The exception a promise is rejected with; fails the test if it resolves instead.
template <typename T>
kj::Exception settleError(boost::asio::io_context& io, kj::Promise<T> promise,
                          std::chrono::milliseconds timeout = 5000ms) {
  try {
    settle(io, kj::mv(promise), timeout);
  } catch (kj::Exception& e) {
    return kj::mv(e);
  }
  ADD_FAILURE() << "expected the promise to be rejected";
  return KJ_EXCEPTION(FAILED, "resolved");
}

// One loop per test, declared in the order the port requires (io first).
struct Loop {
  boost::asio::io_context io;
  AsioEventPort port{io};
};

// An owned raw file descriptor, for the blocking peer side of a test (often on its own thread).
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset();

 private:
  int fd_;
};

// Takes the descriptor out of an asio socket (blocking, as asio never made it non-blocking).
template <typename Socket>
Fd release(Socket& socket) {
  return Fd(socket.release());
}

// Blocking helpers on a raw descriptor: write all of `data`; read until `size` bytes or EOF.
void writeAll(int fd, const void* data, size_t size);
std::string readUpTo(int fd, size_t size);

// A connected TCP pair on loopback: {accepted, connecting}.
std::pair<boost::asio::ip::tcp::socket, boost::asio::ip::tcp::socket> tcpPair(
    boost::asio::io_context& io);
// A connected Unix socket pair.
std::pair<boost::asio::local::stream_protocol::socket, boost::asio::local::stream_protocol::socket>
unixPair(boost::asio::io_context& io);

}  // namespace zenhub::rpc::testing
