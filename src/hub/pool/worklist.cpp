#include "hub/pool/worklist.h"

#include <algorithm>

namespace zenhub::hub::pool {

Worklist::Worklist(size_t limit) : cycle_(weightedCycle(kPriorityCount)), limit_(limit) {}

bool Worklist::push(CallId id, Priority p) {
  if (size_ >= limit_) return false;
  queues_[static_cast<size_t>(p)].push_back(id);
  ++size_;
  return true;
}

void Worklist::pushFront(CallId id, Priority p) {
  queues_[static_cast<size_t>(p)].push_front(id);
  ++size_;
}

std::optional<CallId> Worklist::pop() {
  if (size_ == 0) return std::nullopt;
  // At most one full turn: some queue is non-empty, and every priority appears in the cycle.
  for (size_t step = 0; step < cycle_.size(); ++step) {
    auto& queue = queues_[cycle_[cursor_]];
    cursor_ = (cursor_ + 1) % cycle_.size();
    if (queue.empty()) continue;
    CallId id = queue.front();
    queue.pop_front();
    --size_;
    return id;
  }
  return std::nullopt;  // unreachable while size_ is right
}

bool Worklist::remove(CallId id) {
  for (auto& queue : queues_) {
    auto it = std::find(queue.begin(), queue.end(), id);
    if (it != queue.end()) {
      queue.erase(it);
      --size_;
      return true;
    }
  }
  return false;
}

std::vector<CallId> Worklist::takeAll() {
  std::vector<CallId> all;
  while (auto id = pop()) all.push_back(*id);
  return all;
}

}  // namespace zenhub::hub::pool
