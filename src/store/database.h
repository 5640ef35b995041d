// The small SQL connection interface both backends implement, so that the store's logic
// (sql_store.cpp) is written once. Not a general database layer: just what the store needs.
// A Database is one connection, used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zenhub/model.h"

namespace zenhub::store {

// A statement parameter. Text is a view: the caller keeps it alive for the call.
using SqlParam = std::variant<std::nullptr_t, std::int64_t, std::string_view>;
using SqlParams = std::vector<SqlParam>;

// A materialised result: rows of text cells (NULL is nullopt).
class SqlResult {
 public:
  explicit SqlResult(size_t columns = 0) : columns_(columns) {}
  size_t rows() const { return columns_ == 0 ? 0 : cells_.size() / columns_; }
  size_t columns() const { return columns_; }
  bool isNull(size_t row, size_t col) const { return !cells_[row * columns_ + col].has_value(); }
  const std::string& text(size_t row, size_t col) const;
  std::int64_t integer(size_t row, size_t col) const;
  void add(std::optional<std::string> cell) { cells_.push_back(std::move(cell)); }
  void reserveRows(size_t n) { cells_.reserve(n * columns_); }

 private:
  size_t columns_;
  std::vector<std::optional<std::string>> cells_;
};

// The current row of a scan: typed reads of its cells, valid only during the scan's callback.
// NULL reads as 0 and "".
class SqlRow {
 public:
  virtual std::int64_t integer(size_t col) const = 0;
  virtual std::string_view text(size_t col) const = 0;

 protected:
  ~SqlRow() = default;
};

// One schema version: the SQL that takes the previous version to this one.
struct Migration {
  int version;
  std::string sql;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual std::string_view backendName() const = 0;
  // Statements without parameters or results: schema scripts, BEGIN, COMMIT.
  virtual void execute(const std::string& sql) = 0;
  // One statement. Parameters are written $1..$n (PostgreSQL's form; SQLite's backend rewrites
  // them).
  virtual SqlResult query(const std::string& sql, const SqlParams& params = {}) = 0;
  // One statement whose rows are handed to `onRow` one at a time, without materialising them as
  // text cells: for the hot reads (the change feed, which the hub polls every second).
  virtual void scan(const std::string& sql, const SqlParams& params,
                    const std::function<void(const SqlRow&)>& onRow) = 0;
  // Many rows into one table, the fastest way the backend has (a prepared statement in a loop,
  // COPY). Every row has one parameter per column.
  virtual void insertRows(const std::string& table, const std::vector<std::string>& columns,
                          const std::vector<SqlParams>& rows) = 0;

  // A read-only transaction on a consistent snapshot, and a read-write transaction.
  virtual void beginRead() = 0;
  virtual void beginWrite() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // n fresh oids, never handed out before (in a write transaction).
  virtual std::vector<model::Oid> allocateOids(size_t n) = 0;

  // Schema: whether a table exists, the backend's migrations, and a lock (inside a write
  // transaction) that keeps two processes from migrating the same store at once.
  virtual bool hasTable(const std::string& name) = 0;
  virtual const std::vector<Migration>& migrations() const = 0;
  virtual void lockForMigration() = 0;
};

}  // namespace zenhub::store
