// The object store: the device model (include/zenhub/model.h) in SQLite or PostgreSQL, read from
// consistent snapshots, written in transactions that feed the change feed.
//
// Threading: a Store is one connection and is used by one thread, one transaction at a time.
// Processes and threads that work concurrently each open their own Store (the backends handle the
// concurrency: SQLite in WAL mode, PostgreSQL natively).
//
// The change feed: every committed write transaction that changed anything gets the next
// transaction id (tid) and records, atomically with the change, each oid it updated (created,
// changed, moved) or deleted, with the object's path and class and the commit time.
// `changesSince(cursor)` returns every change committed after `cursor`, exactly once, in tid
// order, even when concurrent writers commit out of order:
// tids are taken from a counter row at the very end of the transaction, whose row lock is held
// until the commit is visible, so tids become visible in increasing order (docs/model.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/errors.h"
#include "zenhub/model.h"

namespace zenhub::store {

using model::Object;
using model::Oid;
using model::Properties;

// A reader's position in the change feed: the tid of the last transaction it has seen; 0 before
// the first.
using Cursor = std::int64_t;

enum class ChangeKind { kUpdated, kDeleted };
std::string_view toString(ChangeKind kind);

// One oid changed by one transaction. It says what the object was, so that a reader can place
// an oid without reading the model, even when the object is gone (deleted) or has moved since.
// Entries written before the store's schema version 2 have an empty path and class and
// committedAtMs 0.
struct Change {
  std::int64_t tid = 0;
  Oid oid = model::kNoOid;
  ChangeKind kind = ChangeKind::kUpdated;
  // The object's path after the transaction: for kDeleted its path when it was deleted; for an
  // object moved (itself or as part of a moved subtree) its new path. A later transaction may
  // have moved or deleted it since.
  std::string path;
  // The object's class (model::cls), which never changes.
  std::string className;
  // When the transaction committed: unix epoch milliseconds by the writer's wall clock (not
  // monotonic; writers on several hosts may disagree), the same for every entry of a tid.
  std::int64_t committedAtMs = 0;
  bool operator==(const Change&) const = default;
};

struct ChangeBatch {
  Cursor cursor = 0;             // pass this to the next changesSince
  std::vector<Change> changes;   // ordered by tid, then oid; one entry per (tid, oid)
  // The reader's cursor predates the compacted part of the feed (or is not from this store):
  // changes may have been missed. `changes` is empty; the reader must re-read the whole model
  // (from a snapshot: ReadTransaction::feedCursor() is the cursor to continue from) and go on.
  bool resyncRequired = false;
  // More transactions are waiting beyond the per-call limit: call again at once.
  bool more = false;
};

// The collector that monitors a device, as the store indexes it (devicesOfCollector): the
// device's `perfServer` property when it is a string; nullopt for a device without one (no
// collector gets it) and for any object that is not a Device. Config services select their
// devices by this same rule.
std::optional<std::string> deviceCollector(std::string_view className, const Properties& properties);
inline std::optional<std::string> deviceCollector(const Object& object) {
  return deviceCollector(object.className, object.properties);
}

// One object to create or update by a bulk upsert (the model loader and generator build these).
struct ObjectSpec {
  std::string parentPath;
  std::string className;
  std::string id;
  Properties properties;
  std::string origin;  // where it came from, for error messages ("model.yaml:12:5")
  // Create it (with these properties) if missing, else leave it as it is: the implicit parent
  // classes of a loaded class path.
  bool createOnly = false;
  std::string path() const { return model::childPath(parentPath, className, id); }
};

struct UpsertStats {
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;
};

// A consistent snapshot of the model. Destroying it ends the transaction.
class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;
  virtual std::optional<Object> get(std::string_view path) = 0;
  virtual std::optional<Object> getByOid(Oid oid) = 0;
  // Direct children, ordered by path.
  virtual std::vector<Object> children(Oid parent) = 0;
  // The object at `path` and everything below it, parents before children (ordered by path).
  // Empty when `path` does not exist.
  virtual std::vector<Object> subtree(std::string_view path) = 0;
  virtual std::vector<Object> ofClass(std::string_view className) = 0;
  // The devices monitored by the collector `collector`: every Device whose deviceCollector() is
  // `collector`, ordered by path. Answered from an index (schema version 3): it reads only those
  // devices, whatever the size of the model.
  virtual std::vector<Object> devicesOfCollector(std::string_view collector) = 0;
  // The direct children of each of `parents` (duplicates count once): what children(oid)
  // returns for each, together, in a few queries rather than one per parent. Ordered by parent
  // oid, then path.
  virtual std::vector<Object> childrenOf(const std::vector<Oid>& parents) = 0;
  // Every object, ordered by path.
  virtual std::vector<Object> all() = 0;
  virtual size_t count() = 0;
  // The feed position this snapshot includes: after re-reading the model from this snapshot, a
  // reader continues with changesSince(feedCursor()).
  virtual Cursor feedCursor() = 0;
};

// A write transaction. Nothing is visible to others until commit(); destroying it without
// commit() rolls it back. Throws ModelError / NotFoundError for requests the model refuses,
// StoreError when the store fails; either way the caller drops the transaction.
class WriteTransaction : public ReadTransaction {
 public:
  // Creates the object, or replaces the properties of the existing one (same class required).
  virtual Oid put(const ObjectSpec& spec) = 0;
  // Sets and removes properties of an existing object.
  virtual void update(std::string_view path, const Properties& set,
                      const std::vector<std::string>& unset = {}) = 0;
  // Moves an object and its subtree below another parent (its class must allow that parent).
  virtual void move(std::string_view path, std::string_view newParentPath) = 0;
  // Deletes an object and its subtree; returns how many objects went.
  virtual size_t remove(std::string_view path) = 0;
  // Creates or updates many objects at once (parents before children, or already stored). Checks
  // everything first: on any issue throws one ModelError listing them all, having written nothing.
  virtual UpsertStats upsert(const std::vector<ObjectSpec>& specs) = 0;
  // Makes it all visible, with the change feed entries; returns the tid (0 if nothing changed).
  virtual std::int64_t commit() = 0;
};

struct CompactResult {
  Cursor compactedThrough = 0;  // readers with a cursor below this must resync
  size_t entriesDeleted = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::string_view backendName() const = 0;  // "sqlite" or "postgresql"
  virtual std::unique_ptr<ReadTransaction> read() = 0;
  virtual std::unique_ptr<WriteTransaction> write() = 0;
  // The changes committed after `cursor`, at most `maxTransactions` transactions' worth (a whole
  // transaction is never split).
  virtual ChangeBatch changesSince(Cursor cursor, std::int64_t maxTransactions = 10000) = 0;
  // Drops feed entries, keeping the newest `keepTransactions` transactions.
  virtual CompactResult compactFeed(std::int64_t keepTransactions) = 0;
};

struct OpenOptions {
  // Create the store (SQLite file, schema) when missing; otherwise a missing store is an error.
  bool create = false;
  // How long a SQLite writer waits for another process's write lock before failing.
  int busyTimeoutMs = 10000;
  // Test seam: called by a write transaction after it has taken its tid and written its feed
  // entries, just before COMMIT (tests hold a transaction there to make commits interleave).
  std::function<void(std::int64_t tid)> beforeCommit;
};

// Opens `sqlite:///abs/path.db`, `sqlite://relative/path.db` (relative to the working directory),
// or `postgresql://user@host:port/db` / `postgres://...` (handed to libpq as is), bringing the
// schema up to date. Throws StoreError with a message naming the URI when it cannot.
std::unique_ptr<Store> openStore(const std::string& uri, const OpenOptions& options = {});

}  // namespace zenhub::store
