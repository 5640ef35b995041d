// Store transactions over a Database, for both backends. Each owns the Database's transaction
// for its lifetime: begun in the constructor, rolled back by the destructor unless committed.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "store/sql_reader.h"
#include "store/store.h"

namespace zenhub::store {

class SqlReadTransaction final : public ReadTransaction {
 public:
  // `db` and `busy` belong to the SqlStore, which outlives the transaction; `busy` marks the
  // store's one connection as taken.
  SqlReadTransaction(Database& db, bool& busy);
  ~SqlReadTransaction() override;

  std::optional<Object> get(std::string_view path) override { return reader_.get(path); }
  std::optional<Object> getByOid(Oid oid) override { return reader_.getByOid(oid); }
  std::vector<Object> children(Oid parent) override { return reader_.children(parent); }
  std::vector<Object> subtree(std::string_view path) override { return reader_.subtree(path); }
  std::vector<Object> ofClass(std::string_view c) override { return reader_.ofClass(c); }
  std::vector<Object> devicesOfCollector(std::string_view c) override { return reader_.devicesOfCollector(c); }
  std::vector<Object> childrenOf(const std::vector<Oid>& parents) override { return reader_.childrenOf(parents); }
  std::vector<Object> all() override { return reader_.all(); }
  size_t count() override { return reader_.count(); }
  Cursor feedCursor() override { return reader_.feedCursor(); }

 private:
  Database& db_;
  bool& busy_;
  SqlReader reader_;
};

class SqlWriteTransaction final : public WriteTransaction {
 public:
  // `beforeCommit` (may be empty) is the store's test seam, OpenOptions::beforeCommit.
  SqlWriteTransaction(Database& db, bool& busy, const std::function<void(std::int64_t)>& beforeCommit);
  ~SqlWriteTransaction() override;

  std::optional<Object> get(std::string_view path) override { return reader_.get(path); }
  std::optional<Object> getByOid(Oid oid) override { return reader_.getByOid(oid); }
  std::vector<Object> children(Oid parent) override { return reader_.children(parent); }
  std::vector<Object> subtree(std::string_view path) override { return reader_.subtree(path); }
  std::vector<Object> ofClass(std::string_view c) override { return reader_.ofClass(c); }
  std::vector<Object> devicesOfCollector(std::string_view c) override { return reader_.devicesOfCollector(c); }
  std::vector<Object> childrenOf(const std::vector<Oid>& parents) override { return reader_.childrenOf(parents); }
  std::vector<Object> all() override { return reader_.all(); }
  size_t count() override { return reader_.count(); }
  Cursor feedCursor() override { return reader_.feedCursor(); }

  Oid put(const ObjectSpec& spec) override;
  void update(std::string_view path, const Properties& set, const std::vector<std::string>& unset) override;
  void move(std::string_view path, std::string_view newParentPath) override;
  size_t remove(std::string_view path) override;
  UpsertStats upsert(const std::vector<ObjectSpec>& specs) override;
  std::int64_t commit() override;

 private:
  // What this transaction did to one oid, for the change feed (store.h's Change).
  struct Pending {
    ChangeKind kind = ChangeKind::kUpdated;
    std::string path;
    std::string className;
  };

  Object mustGet(std::string_view path);
  // Replaces the properties of the object `oid` at `path` (`json`, with its deviceCollector()
  // `collector`) and records the update.
  void writeProperties(Oid oid, const std::string& path, const std::string& className, const std::string& json,
                       const std::optional<std::string>& collector);
  // The last record of an oid wins (its newest path), except that a delete is final.
  void record(Oid oid, ChangeKind kind, std::string path, std::string className);

  Database& db_;
  bool& busy_;
  SqlReader reader_;
  const std::function<void(std::int64_t)>& beforeCommit_;
  bool done_ = false;
  // What this transaction changed; written to the feed by commit().
  std::unordered_map<Oid, Pending> changed_;
};

// Whether a class may live below a parent of another class: empty when fine, else the problem.
std::string checkParentClass(std::string_view className, std::string_view parentClass);

}  // namespace zenhub::store
