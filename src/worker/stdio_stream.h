// StdioStream: one kj::AsyncIoStream made of two one-way pipe ends (the worker's stdin, from
// the hub, and its stdout, to the hub), which is what TwoPartyVatNetwork wants.
//
// Reads go through a small buffer: Cap'n Proto 0.9 reads every message in two or more pieces
// (its first word, then the rest), each a read() on an unbuffered stream, while the hub writes
// several messages at once (a Call and the previous Finish; pipelined calls). Large reads go
// straight to the caller's buffer.
#pragma once

#include <kj/async-io.h>

#include <algorithm>
#include <cstring>

namespace zenhub::worker {

class StdioStream final : public kj::AsyncIoStream {
 public:
  static constexpr size_t kReadBuffer = 8192;

  StdioStream(kj::Own<kj::AsyncInputStream> in, kj::Own<kj::AsyncOutputStream> out)
      : in_(kj::mv(in)), out_(kj::mv(out)), buffer_(kj::heapArray<kj::byte>(kReadBuffer)) {}

  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    return readLoop(static_cast<kj::byte*>(buffer), minBytes, maxBytes, 0);
  }
  kj::Promise<void> write(const void* buffer, size_t size) override {
    if (out_.get() == nullptr) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
    return out_->write(buffer, size);
  }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    if (out_.get() == nullptr) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
    return out_->write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override {
    if (out_.get() == nullptr) return kj::READY_NOW;
    return out_->whenWriteDisconnected();
  }
  // Closing our stdout tells the hub we are done writing.
  void shutdownWrite() override { out_ = nullptr; }

 private:
  // Fills `out` from the buffer, then from the pipe, until `minBytes` (or EOF). `done` bytes of
  // `out` are filled already.
  kj::Promise<size_t> readLoop(kj::byte* out, size_t minBytes, size_t maxBytes, size_t done) {
    size_t n = std::min(end_ - begin_, maxBytes - done);
    std::memcpy(out + done, buffer_.begin() + begin_, n);
    begin_ += n;
    done += n;
    if (done >= minBytes) return done;
    // The buffer is empty now.
    if (maxBytes - done >= kReadBuffer) {
      return in_->tryRead(out + done, minBytes - done, maxBytes - done).then([done](size_t got) {
        return done + got;
      });
    }
    return in_->tryRead(buffer_.begin(), 1, kReadBuffer)
        .then([this, out, minBytes, maxBytes, done](size_t got) -> kj::Promise<size_t> {
          if (got == 0) return done;  // EOF
          begin_ = 0;
          end_ = got;
          return readLoop(out, minBytes, maxBytes, done);
        });
  }

  kj::Own<kj::AsyncInputStream> in_;
  kj::Own<kj::AsyncOutputStream> out_;
  kj::Array<kj::byte> buffer_;
  size_t begin_ = 0;  // unread bytes of buffer_ are [begin_, end_)
  size_t end_ = 0;
};

}  // namespace zenhub::worker
