// The change feed's cursor rule, apart from any I/O: given a reader's cursor and the feed's
// state read from one snapshot, which transactions to return, or that the reader must resync.
#pragma once

#include <cstdint>

namespace zenhub::store {

struct FeedState {
  std::int64_t lastTid = 0;           // the newest committed transaction in the snapshot
  std::int64_t compactedThrough = 0;  // feed entries up to this tid have been deleted
};

struct FeedWindow {
  bool resyncRequired = false;
  std::int64_t from = 0;  // return transactions with from < tid <= to
  std::int64_t to = 0;    // ... and the reader's next cursor is `to`
  bool more = false;      // transactions after `to` are already committed
};

// A cursor below the compaction point may have missed entries; a cursor beyond the newest tid
// did not come from this store (a store recreated under the reader). Both must resync, and
// continue from lastTid after re-reading the model. Tids are gapless (one per committed
// transaction that changed something), so a window of tids is a window of transactions.
FeedWindow decideFeedWindow(std::int64_t cursor, const FeedState& state, std::int64_t maxTransactions);

}  // namespace zenhub::store
