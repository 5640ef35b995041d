// At most N pieces of work at once on the loop (an async semaphore): invalidation cycles compute
// configs in many batches, and the worker pools' queues must not fill with them.
#pragma once

#include <kj/async.h>

#include <deque>

namespace zenhub::hub::invalidation {

class SlotLimiter {
 public:
  explicit SlotLimiter(size_t slots) : free_(slots) {}

  // Resolves once a slot is free; the slot is held until release().
  kj::Promise<void> acquire() {
    if (free_ > 0) {
      --free_;
      return kj::READY_NOW;
    }
    auto paf = kj::newPromiseAndFulfiller<void>();
    waiting_.push_back(kj::mv(paf.fulfiller));
    return kj::mv(paf.promise);
  }
  void release() {
    while (!waiting_.empty()) {
      auto next = kj::mv(waiting_.front());
      waiting_.pop_front();
      if (next->isWaiting()) {
        next->fulfill();
        return;
      }
    }
    ++free_;
  }

 private:
  size_t free_;
  std::deque<kj::Own<kj::PromiseFulfiller<void>>> waiting_;
};

}  // namespace zenhub::hub::invalidation
