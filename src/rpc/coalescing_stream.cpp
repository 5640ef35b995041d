#include "rpc/coalescing_stream.h"

#include <kj/debug.h>

#include <utility>

namespace zenhub::rpc {

kj::Promise<void> CoalescingStream::write(const void* buffer, size_t size) {
  auto bytes = kj::arrayPtr(static_cast<const kj::byte*>(buffer), size);
  if (size < kDirectWrite) return write(kj::arrayPtr(&bytes, 1));  // copied before it returns
  auto pieces = kj::heapArray<kj::ArrayPtr<const kj::byte>>(1);
  pieces[0] = bytes;
  auto view = pieces.asPtr().asConst();
  return write(view).attach(kj::mv(pieces));
}

kj::Promise<void> CoalescingStream::write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) {
  KJ_IF_MAYBE (e, error_) {
    return kj::cp(*e);
  }
  if (shutdown_) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
  size_t size = 0;
  for (auto piece : pieces) size += piece.size();
  if (size >= kDirectWrite) {
    // Written from the caller's memory, which it keeps until the promise resolves.
    auto paf = kj::newPromiseAndFulfiller<void>();
    Segment segment;
    segment.pieces = pieces;
    segment.done = kj::mv(paf.fulfiller);
    queue_.push_back(kj::mv(segment));
    start();
    return kj::mv(paf.promise);
  }
  if (queue_.empty() || queue_.back().direct() || queue_.back().sealed) {
    Segment segment;
    segment.bytes = kj::mv(spare_);
    queue_.push_back(kj::mv(segment));
  }
  auto& bytes = queue_.back().bytes;
  for (auto piece : pieces) bytes.addAll(piece);
  copiedBytes_ += size;
  start();
  return kj::READY_NOW;
}

void CoalescingStream::shutdownWrite() {
  shutdown_ = true;
  if (!writing_) inner_.shutdownWrite();  // otherwise pump() does it when the queue is empty
}

size_t CoalescingStream::capacity() const {
  size_t n = spare_.capacity();
  for (const auto& segment : queue_) n += segment.bytes.capacity();
  return n;
}

void CoalescingStream::start() {
  if (writing_) return;  // the running pump takes these too
  writing_ = true;
  task_ = kj::evalLast([this]() { return pump(); }).eagerlyEvaluate([this](kj::Exception&& e) {
    writing_ = false;
    fail(e);
  });
}

kj::Promise<void> CoalescingStream::pump() {
  if (queue_.empty()) {
    writing_ = false;
    if (spare_.capacity() > kIdleKeep) spare_ = kj::Vector<kj::byte>();  // idle: a big buffer goes
    if (shutdown_) inner_.shutdownWrite();
    return kj::READY_NOW;
  }
  auto& front = queue_.front();
  front.sealed = true;
  ++flushes_;
  auto written = front.direct() ? inner_.write(front.pieces) : inner_.write(front.bytes.begin(), front.bytes.size());
  return written.then([this]() {
    auto segment = kj::mv(queue_.front());
    queue_.pop_front();
    if (segment.direct()) {
      segment.done->fulfill();
    } else {
      copiedBytes_ -= segment.bytes.size();
      segment.bytes.clear();
      if (segment.bytes.capacity() > spare_.capacity()) spare_ = kj::mv(segment.bytes);
    }
    // Whatever was written meanwhile goes next, once the work now runnable has added to it.
    return kj::evalLast([this]() { return pump(); });
  });
}

void CoalescingStream::fail(const kj::Exception& e) {
  if (error_ == nullptr) error_ = kj::cp(e);
  for (auto& segment : queue_) {
    if (segment.direct()) segment.done->reject(kj::cp(e));
  }
  queue_.clear();
  copiedBytes_ = 0;
  spare_ = kj::Vector<kj::byte>();
}

}  // namespace zenhub::rpc
