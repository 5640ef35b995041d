#include "store/feed_policy.h"

#include <algorithm>

namespace zenhub::store {

FeedWindow decideFeedWindow(std::int64_t cursor, const FeedState& state, std::int64_t maxTransactions) {
  FeedWindow w;
  if (cursor < state.compactedThrough || cursor > state.lastTid || cursor < 0) {
    w.resyncRequired = true;
    w.from = w.to = state.lastTid;
    return w;
  }
  std::int64_t limit = std::max<std::int64_t>(1, maxTransactions);
  w.from = cursor;
  w.to = state.lastTid - cursor > limit ? cursor + limit : state.lastTid;
  w.more = w.to < state.lastTid;
  return w;
}

}  // namespace zenhub::store
