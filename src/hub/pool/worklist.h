// Worklist: the calls waiting in one pool, one FIFO per priority, served in the weighted cycle
// (priority.h), skipping empty queues so that a lone low-priority call runs at once. Bounded:
// push() refuses a new call when full (the caller gets zenhub.busy); a retried call goes to the
// front of its queue and is never refused (it was accepted once). Holds ids only: the shell owns
// the calls.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "hub/pool/priority.h"

namespace zenhub::hub::pool {

using CallId = uint64_t;

class Worklist {
 public:
  explicit Worklist(size_t limit);

  // False when the worklist holds `limit` calls already.
  bool push(CallId id, Priority p);
  void pushFront(CallId id, Priority p);
  // The next call in cycle order, or nullopt when empty.
  std::optional<CallId> pop();
  // Removes a queued call (cancelled or timed out in the queue). False if it was not queued.
  bool remove(CallId id);
  // Everything queued, in serving order, leaving the worklist empty (drain).
  std::vector<CallId> takeAll();

  size_t size() const { return size_; }
  size_t size(Priority p) const { return queues_[static_cast<size_t>(p)].size(); }
  bool empty() const { return size_ == 0; }
  size_t limit() const { return limit_; }
  void setLimit(size_t limit) { limit_ = limit; }

 private:
  std::array<std::deque<CallId>, kPriorityCount> queues_;
  std::vector<size_t> cycle_;
  size_t cursor_ = 0;  // the cycle slot the next pop() looks at first
  size_t size_ = 0;
  size_t limit_;
};

}  // namespace zenhub::hub::pool
