// When to start the next invalidation cycle. Changes that arrive while a cycle runs wait for it
// and are coalesced into the next one. With a quiet period, a cycle waits until no change has
// arrived for that long, but never longer than `maxDelay` after the first pending change: a
// steady trickle of changes cannot postpone pushes forever (ZenHub's timer could). A plain policy
// with time points as arguments, tested with a manual clock.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace zenhub::hub::invalidation {

class Debouncer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  Debouncer(Duration quiet, Duration maxDelay) : quiet_(quiet), maxDelay_(std::max(maxDelay, quiet)) {}

  void setTimes(Duration quiet, Duration maxDelay) {
    quiet_ = quiet;
    maxDelay_ = std::max(maxDelay, quiet);
  }

  // Changes arrived (a poll found some).
  void arrived(TimePoint now) {
    if (!pending_) first_ = now;
    pending_ = true;
    last_ = now;
  }
  bool pending() const { return pending_; }

  // When the pending changes may start a cycle (ignoring whether one is running); nullopt when
  // nothing is pending.
  std::optional<TimePoint> dueAt() const {
    if (!pending_) return std::nullopt;
    return std::min(last_ + quiet_, first_ + maxDelay_);
  }
  bool due(TimePoint now) const {
    auto at = dueAt();
    return at && now >= *at;
  }
  // A cycle took the pending changes.
  void started() { pending_ = false; }

 private:
  Duration quiet_;
  Duration maxDelay_;
  bool pending_ = false;
  TimePoint first_{};  // the oldest pending change's arrival
  TimePoint last_{};   // the newest's
};

}  // namespace zenhub::hub::invalidation
