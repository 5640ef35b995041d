#include "store/sql_store.h"

#include <algorithm>
#include <tuple>

#include "store/feed_policy.h"
#include "store/sql_transactions.h"

namespace zenhub::store {

namespace {

FeedState readFeedState(Database& db) {
  SqlResult r = db.query("SELECT last_tid, compacted_through FROM feed_state WHERE id = 1", {});
  return FeedState{r.integer(0, 0), r.integer(0, 1)};
}

// Keeps the store's one connection marked busy for a scope and ends the transaction on exit.
class TransactionScope {
 public:
  TransactionScope(Database& db, bool& busy, bool write) : db_(db), busy_(busy) {
    if (busy_) throw StoreError("store: a transaction is already open on this Store (one at a time)");
    write ? db_.beginWrite() : db_.beginRead();
    busy_ = true;
  }
  ~TransactionScope() {
    busy_ = false;
    if (committed_) return;
    try {
      db_.rollback();
    } catch (const std::exception&) {
      // Connection gone: nothing to end.
    }
  }
  void commit() {
    db_.commit();
    committed_ = true;
  }

 private:
  Database& db_;
  bool& busy_;
  bool committed_ = false;
};

}  // namespace

std::string_view toString(ChangeKind kind) { return kind == ChangeKind::kDeleted ? "delete" : "update"; }

std::optional<std::string> deviceCollector(std::string_view className, const Properties& properties) {
  if (className != model::cls::kDevice) return std::nullopt;
  return model::getString(properties, "perfServer");
}

std::unique_ptr<ReadTransaction> SqlStore::read() { return std::make_unique<SqlReadTransaction>(*db_, busy_); }

std::unique_ptr<WriteTransaction> SqlStore::write() {
  return std::make_unique<SqlWriteTransaction>(*db_, busy_, beforeCommit_);
}

ChangeBatch SqlStore::changesSince(Cursor cursor, std::int64_t maxTransactions) {
  // One snapshot for the state and the entries: every entry with tid <= lastTid is visible in it.
  TransactionScope scope(*db_, busy_, false);
  FeedWindow window = decideFeedWindow(cursor, readFeedState(*db_), maxTransactions);
  ChangeBatch batch;
  batch.cursor = window.to;
  batch.resyncRequired = window.resyncRequired;
  batch.more = window.more;
  if (window.resyncRequired || window.to == window.from) return batch;
  // The hub polls this every second and a batch can be large, so the rows are scanned (not
  // materialised as text) and ordered here: without fresh statistics PostgreSQL answers ORDER BY
  // with a bitmap scan and a sort of the whole rows, paths included (several ms for 10,000
  // entries), while they arrive almost always in key order (both backends store them so).
  db_->scan("SELECT tid, oid, kind, path, class, committed_ms FROM changes WHERE tid > $1 AND tid <= $2",
            {window.from, window.to}, [&batch](const SqlRow& row) {
              batch.changes.push_back(Change{row.integer(0), row.integer(1),
                                             row.text(2) == "d" ? ChangeKind::kDeleted : ChangeKind::kUpdated,
                                             std::string(row.text(3)), std::string(row.text(4)), row.integer(5)});
            });
  auto byKey = [](const Change& a, const Change& b) { return std::tie(a.tid, a.oid) < std::tie(b.tid, b.oid); };
  if (!std::is_sorted(batch.changes.begin(), batch.changes.end(), byKey)) {
    std::sort(batch.changes.begin(), batch.changes.end(), byKey);
  }
  return batch;
}

CompactResult SqlStore::compactFeed(std::int64_t keepTransactions) {
  TransactionScope scope(*db_, busy_, true);
  // Lock the counter row first, so the state read and the delete see the same newest tid.
  SqlResult r = db_->query(
      "UPDATE feed_state SET compacted_through = compacted_through WHERE id = 1 "
      "RETURNING last_tid, compacted_through",
      {});
  FeedState state{r.integer(0, 0), r.integer(0, 1)};
  CompactResult result{state.compactedThrough, 0};
  std::int64_t through = state.lastTid - std::max<std::int64_t>(0, keepTransactions);
  if (through > state.compactedThrough) {
    SqlResult deleted = db_->query("DELETE FROM changes WHERE tid <= $1 RETURNING 1", {through});
    db_->query("UPDATE feed_state SET compacted_through = $1 WHERE id = 1", {through});
    result = CompactResult{through, deleted.rows()};
  }
  scope.commit();
  return result;
}

}  // namespace zenhub::store
