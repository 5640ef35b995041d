// AsioStream<Handle>: a kj::AsyncIoStream over asio handles, so Cap'n Proto RPC runs over asio
// TCP sockets, Unix sockets and pipe pairs (a worker's stdin/stdout) on the hub's one loop.
//
// Reactor style, like KJ's own AsyncStreamFd: each read or write first tries the non-blocking
// syscall and only on EAGAIN waits for readiness with async_wait(). asio never holds a pointer
// into a caller's buffer, so KJ may cancel (drop) a read or write promise at any time, and
// destroying the stream with operations pending is safe: their handlers see a dead token.
//
// All calls happen on the thread of the io_context and of the AsioEventPort.
#pragma once

#include <kj/async-io.h>
#include <kj/debug.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstring>
#include <memory>
#include <optional>
#include <sys/socket.h>
#include <vector>

#include "rpc/event_port.h"

namespace zenhub::rpc {

// Maps an asio error to the kj::Exception type RPC code understands: DISCONNECTED for a peer
// that went away, FAILED for anything else.
kj::Exception toKjException(const boost::system::error_code& ec, const char* what);

namespace detail {

inline bool wouldBlock(const boost::system::error_code& ec) {
  return ec == boost::asio::error::would_block || ec == boost::asio::error::try_again;
}

// Waits for one direction (read or write) of a handle to become ready, as a KJ promise. At most
// one asio wait is outstanding per direction; a new request replaces the fulfiller of a dropped one.
class ReadyWaiter {
 public:
  template <typename Handle, typename WaitType>
  kj::Promise<void> wait(Handle& handle, WaitType type, const std::shared_ptr<bool>& alive) {
    auto paf = kj::newPromiseAndFulfiller<void>();
    fulfiller_ = kj::mv(paf.fulfiller);
    if (!asioPending_) {
      asioPending_ = true;
      handle.async_wait(type, [this, alive](const boost::system::error_code& ec) {
        if (!*alive) return;  // the stream is gone; `this` dangles
        asioPending_ = false;
        auto fire = [this, &ec]() {
          KJ_IF_MAYBE(f, fulfiller_) {
            auto own = kj::mv(*f);
            fulfiller_ = nullptr;
            if (ec && ec != boost::asio::error::operation_aborted) {
              own->reject(toKjException(ec, "wait"));
            } else {
              own->fulfill();  // the retried syscall reports EOF or errors itself
            }
          }
        };
        if (auto* port = AsioEventPort::current()) {
          port->fromAsio(fire);
        } else {
          fire();
        }
      });
    }
    return kj::mv(paf.promise);
  }

 private:
  kj::Maybe<kj::Own<kj::PromiseFulfiller<void>>> fulfiller_;
  bool asioPending_ = false;
};

// A ConstBufferSequence over a stack array (a gather write without a std::vector per call).
struct BufferRange {
  const boost::asio::const_buffer* first;
  const boost::asio::const_buffer* last;
  const boost::asio::const_buffer* begin() const { return first; }
  const boost::asio::const_buffer* end() const { return last; }
};

}  // namespace detail

template <typename Handle>
class AsioStream final : public kj::AsyncIoStream {
 public:
  static constexpr size_t kDefaultReadBuffer = 8192;

  // One bidirectional handle (a socket).
  explicit AsioStream(Handle handle, size_t readBufferSize = kDefaultReadBuffer)
      : in_(std::move(handle)), readBuffer_(readBufferSize) {
    in_.non_blocking(true);
  }
  // A pipe pair: read from `in`, write to `out` (a child's stdout and stdin).
  AsioStream(Handle in, Handle out, size_t readBufferSize = kDefaultReadBuffer)
      : in_(std::move(in)), out_(std::move(out)), readBuffer_(readBufferSize) {
    in_.non_blocking(true);
    out_->non_blocking(true);
  }

  ~AsioStream() noexcept(false) {
    *alive_ = false;  // pending wait handlers become no-ops
    boost::system::error_code ec;
    in_.close(ec);
    if (out_) out_->close(ec);
  }
  KJ_DISALLOW_COPY(AsioStream);

  Handle& handle() { return in_; }
  uint64_t bytesRead() const { return bytesRead_; }
  uint64_t bytesWritten() const { return bytesWritten_; }

  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    return readLoop(static_cast<kj::byte*>(buffer), minBytes, maxBytes, 0);
  }

  kj::Promise<void> write(const void* buffer, size_t size) override {
    if (writeShut_) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
    auto* bytes = static_cast<const kj::byte*>(buffer);
    while (size > 0) {
      boost::system::error_code ec;
      size_t n = out().write_some(boost::asio::buffer(bytes, size), ec);
      if (ec) {
        if (detail::wouldBlock(ec)) {
          return writer_.wait(out(), Handle::wait_write, alive_).then([this, bytes, size]() {
            return write(bytes, size);
          });
        }
        return toKjException(ec, "write");
      }
      bytesWritten_ += n;
      bytes += n;
      size -= n;
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return writeLoop(pieces, 0, 0);
  }

  kj::Promise<void> whenWriteDisconnected() override {
    // Cap'n Proto RPC 0.9 does not use it; asio exposes no EPOLLRDHUP wait to implement it.
    return kj::NEVER_DONE;
  }

  void shutdownWrite() override {
    writeShut_ = true;
    boost::system::error_code ec;
    if (out_) {
      out_->close(ec);
    } else if constexpr (requires { in_.shutdown(Handle::shutdown_send, ec); }) {
      in_.shutdown(Handle::shutdown_send, ec);
    }
  }

  void abortRead() override {
    readAborted_ = true;
    boost::system::error_code ec;
    if constexpr (requires { in_.shutdown(Handle::shutdown_receive, ec); }) {
      in_.shutdown(Handle::shutdown_receive, ec);
    }
  }

  void getsockopt(int level, int option, void* value, uint* length) override {
    socklen_t len = *length;
    KJ_SYSCALL(::getsockopt(in_.native_handle(), level, option, value, &len));
    *length = len;
  }
  void setsockopt(int level, int option, const void* value, uint length) override {
    KJ_SYSCALL(::setsockopt(in_.native_handle(), level, option, value, length));
  }
  void getsockname(struct sockaddr* addr, uint* length) override {
    socklen_t len = *length;
    KJ_SYSCALL(::getsockname(in_.native_handle(), addr, &len));
    *length = len;
  }
  void getpeername(struct sockaddr* addr, uint* length) override {
    socklen_t len = *length;
    KJ_SYSCALL(::getpeername(in_.native_handle(), addr, &len));
    *length = len;
  }
  kj::Maybe<int> getFd() const override { return const_cast<Handle&>(in_).native_handle(); }

 private:
  Handle& out() { return out_ ? *out_ : in_; }

  kj::Promise<size_t> readLoop(kj::byte* buffer, size_t minBytes, size_t maxBytes, size_t done) {
    for (;;) {
      if (readBegin_ < readEnd_) {  // serve from the user-space buffer first
        size_t n = std::min(readEnd_ - readBegin_, maxBytes);
        std::memcpy(buffer, readBuffer_.data() + readBegin_, n);
        readBegin_ += n;
        buffer += n;
        done += n;
        maxBytes -= n;
        minBytes = minBytes > n ? minBytes - n : 0;
        if (minBytes == 0) return done;
      }
      if (maxBytes == 0 || readAborted_) return done;
      // Small requests read into the buffer (fewer syscalls per message); big ones directly.
      bool direct = readBuffer_.empty() || maxBytes >= readBuffer_.size();
      boost::system::error_code ec;
      size_t n = direct ? in_.read_some(boost::asio::buffer(buffer, maxBytes), ec)
                        : in_.read_some(boost::asio::buffer(readBuffer_), ec);
      if (ec) {
        if (ec == boost::asio::error::eof) return done;
        if (detail::wouldBlock(ec)) {
          return reader_.wait(in_, Handle::wait_read, alive_)
              .then([this, buffer, minBytes, maxBytes, done]() {
                return readLoop(buffer, minBytes, maxBytes, done);
              });
        }
        return toKjException(ec, "read");
      }
      bytesRead_ += n;
      if (!direct) {
        readBegin_ = 0;
        readEnd_ = n;
        continue;
      }
      buffer += n;
      done += n;
      maxBytes -= n;
      minBytes = minBytes > n ? minBytes - n : 0;
      if (minBytes == 0) return done;
    }
  }

  // Writes pieces[first..] starting `offset` bytes into pieces[first]. The caller keeps the
  // pieces alive until the promise resolves (kj::AsyncOutputStream's contract).
  kj::Promise<void> writeLoop(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces,
                              size_t first, size_t offset) {
    constexpr size_t kMaxIov = 64;  // asio's gather limit
    if (writeShut_) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
    for (;;) {
      while (first < pieces.size() && pieces[first].size() == offset) {
        ++first;
        offset = 0;
      }
      if (first == pieces.size()) return kj::READY_NOW;
      boost::asio::const_buffer bufs[kMaxIov];
      size_t count = 0;
      for (size_t i = first; i < pieces.size() && count < kMaxIov; ++i) {
        size_t skip = i == first ? offset : 0;
        bufs[count++] = boost::asio::const_buffer(pieces[i].begin() + skip, pieces[i].size() - skip);
      }
      boost::system::error_code ec;
      size_t n = out().write_some(detail::BufferRange{bufs, bufs + count}, ec);
      if (ec) {
        if (detail::wouldBlock(ec)) {
          return writer_.wait(out(), Handle::wait_write, alive_)
              .then([this, pieces, first, offset]() { return writeLoop(pieces, first, offset); });
        }
        return toKjException(ec, "write");
      }
      bytesWritten_ += n;
      while (n > 0) {
        size_t left = pieces[first].size() - offset;
        if (n < left) {
          offset += n;
          n = 0;
        } else {
          n -= left;
          ++first;
          offset = 0;
        }
      }
    }
  }

  Handle in_;
  std::optional<Handle> out_;
  std::vector<kj::byte> readBuffer_;
  size_t readBegin_ = 0;
  size_t readEnd_ = 0;
  detail::ReadyWaiter reader_;
  detail::ReadyWaiter writer_;
  bool writeShut_ = false;
  bool readAborted_ = false;
  uint64_t bytesRead_ = 0;
  uint64_t bytesWritten_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

using TcpStream = AsioStream<boost::asio::ip::tcp::socket>;
using UnixStream = AsioStream<boost::asio::local::stream_protocol::socket>;
using PipeStream = AsioStream<boost::asio::posix::stream_descriptor>;

}  // namespace zenhub::rpc
