// CoalescingStream: a kj::AsyncIoStream over another (a worker's pipes) that gathers what is
// written during one pass of the event loop into one write. Cap'n Proto 0.9 writes each RPC
// message with its own syscall, and every forwarded call is two messages to the worker (the Call,
// then the Finish after its answer). With calls pipelined, the answers that arrive together
// release their Finishes and the next Calls in the same pass: one write, and one wake-up of the
// worker, instead of one each.
//
// A write completes at once (its bytes are copied); the flush runs from evalLast(), when the
// loop has nothing else to run: Cap'n Proto yields (evalLater) between incoming messages, so an
// earlier flush would go out between two answers of the same read. What it holds is bounded by what
// the pool sends one worker (at most `worker_pipeline` calls and their Finishes), so it adds no
// backpressure of its own. A failed flush fails every later write; the loss itself is reported by
// the read side (RPC disconnect). Reads pass through. Single-threaded, on the hub's loop; the inner
// stream must outlive it.
#pragma once

#include <kj/async-io.h>
#include <kj/vector.h>

namespace zenhub::rpc {

class CoalescingStream final : public kj::AsyncIoStream {
 public:
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
  // Bytes accepted and not yet written by the inner stream (the peer's unread backlog).
  size_t buffered() const { return pending_.size() + writing_.size(); }

 private:
  void schedule();
  kj::Promise<void> flush();

  kj::AsyncIoStream& inner_;
  kj::Vector<kj::byte> pending_;  // written, not yet handed to inner_
  kj::Vector<kj::byte> writing_;  // being written by inner_
  bool flushing_ = false;
  bool shutdown_ = false;
  uint64_t flushes_ = 0;
  kj::Maybe<kj::Exception> error_;
  kj::Promise<void> flushTask_ = nullptr;  // last: destroyed first, it uses the buffers
};

}  // namespace zenhub::rpc
