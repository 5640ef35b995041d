// CoalescingStream: a kj::AsyncIoStream over another (a collector's socket, a worker's pipes) that
// gathers what is written during one pass of the event loop into one write. Cap'n Proto 0.9 writes
// each RPC message with its own syscall: with calls pipelined, the answers that arrive together
// (and, to a worker, the Finishes they release and the next Calls) go out in one write, and wake
// the peer once, instead of one each.
//
// A small write completes at once (its bytes are copied); the flush runs from evalLast(), when the
// loop has nothing else to run: Cap'n Proto yields (evalLater) between incoming messages, so an
// earlier flush would go out between two answers of the same read. A write of at least
// kDirectWrite bytes is not copied: it goes to the inner stream from the caller's buffer once what
// was buffered before it has gone, and completes when it has been written (a 60 MiB config is
// never held twice). Buffers are given back when the stream goes idle, so a thousand quiet
// collectors hold none. What is buffered counts toward the owner's outbound limit (buffered()),
// since a small write that completed at once no longer counts in Cap'n Proto's queue. A failed write
// fails every later one; the loss itself is reported by the read side (RPC disconnect). Reads
// pass through. Single-threaded, on the hub's loop; the inner stream must outlive it.
#pragma once

#include <kj/async-io.h>
#include <kj/vector.h>

#include <deque>

namespace zenhub::rpc {

class CoalescingStream final : public kj::AsyncIoStream {
 public:
  // Writes at least this big are written from the caller's buffer, not copied.
  static constexpr size_t kDirectWrite = 64 << 10;
  // A buffer bigger than this is freed when the stream goes idle.
  static constexpr size_t kIdleKeep = 8 << 10;

  explicit CoalescingStream(kj::AsyncIoStream& inner) : inner_(inner) {}
  KJ_DISALLOW_COPY(CoalescingStream);

  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    return inner_.tryRead(buffer, minBytes, maxBytes);
  }
  kj::Promise<void> write(const void* buffer, size_t size) override;
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override;
  kj::Promise<void> whenWriteDisconnected() override { return inner_.whenWriteDisconnected(); }
  // After the bytes already written have gone out.
  void shutdownWrite() override;
  void abortRead() override { inner_.abortRead(); }

  // Writes handed to the inner stream so far (a statistic, for tests).
  uint64_t flushes() const { return flushes_; }
  // Bytes copied from small writes and not yet written by the inner stream (the peer's unread
  // backlog, with Cap'n Proto's own queue, which still counts a direct write until it completes).
  size_t buffered() const { return copiedBytes_; }
  // Bytes of buffer held (for tests: little once idle after a big burst).
  size_t capacity() const;

 private:
  // What waits to be written, in order: bytes copied from small writes (one segment for all of
  // them between two direct writes), or a direct write's pieces, in the caller's memory.
  struct Segment {
    kj::Vector<kj::byte> bytes;
    kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces;
    kj::Own<kj::PromiseFulfiller<void>> done;   // a direct write's caller
    bool sealed = false;                        // being written: nothing more is added to it
    bool direct() const { return done.get() != nullptr; }
  };
  void start();
  kj::Promise<void> pump();
  void fail(const kj::Exception& e);

  kj::AsyncIoStream& inner_;
  std::deque<Segment> queue_;
  size_t copiedBytes_ = 0;  // in the queue's byte segments
  kj::Vector<kj::byte> spare_;  // a written buffer kept for the next one (up to kIdleKeep)
  bool writing_ = false;        // pump() runs
  bool shutdown_ = false;
  uint64_t flushes_ = 0;
  kj::Maybe<kj::Exception> error_;
  kj::Promise<void> task_ = nullptr;  // last: destroyed first, it uses the queue
};

}  // namespace zenhub::rpc
