#include "rpc/coalescing_stream.h"

#include <kj/debug.h>

#include <utility>

namespace zenhub::rpc {

namespace {
// A buffer grown by one big message is given back rather than kept for small ones.
constexpr size_t kKeepCapacity = 1 << 20;
}  // namespace

kj::Promise<void> CoalescingStream::write(const void* buffer, size_t size) {
  KJ_IF_MAYBE (e, error_) {
    return kj::cp(*e);
  }
  if (shutdown_) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
  pending_.addAll(kj::arrayPtr(static_cast<const kj::byte*>(buffer), size));
  schedule();
  return kj::READY_NOW;
}

kj::Promise<void> CoalescingStream::write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) {
  KJ_IF_MAYBE (e, error_) {
    return kj::cp(*e);
  }
  if (shutdown_) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
  for (auto piece : pieces) pending_.addAll(piece);
  schedule();
  return kj::READY_NOW;
}

void CoalescingStream::shutdownWrite() {
  shutdown_ = true;
  if (!flushing_) inner_.shutdownWrite();  // otherwise the flush does it when done
}

void CoalescingStream::schedule() {
  if (flushing_) return;  // the running flush takes these bytes too
  flushing_ = true;
  flushTask_ =
      kj::evalLast([this]() { return flush(); }).eagerlyEvaluate([this](kj::Exception&& e) {
        error_ = kj::mv(e);
        pending_.clear();
        writing_.clear();
        flushing_ = false;
      });
}

kj::Promise<void> CoalescingStream::flush() {
  if (pending_.empty()) {
    flushing_ = false;
    if (shutdown_) inner_.shutdownWrite();
    return kj::READY_NOW;
  }
  std::swap(writing_, pending_);
  ++flushes_;
  return inner_.write(writing_.begin(), writing_.size()).then([this]() {
    if (writing_.capacity() > kKeepCapacity) {
      writing_ = kj::Vector<kj::byte>();
    } else {
      writing_.clear();
    }
    // Whatever was written meanwhile goes next, once the work now runnable has added to it.
    return kj::evalLast([this]() { return flush(); });
  });
}

}  // namespace zenhub::rpc
