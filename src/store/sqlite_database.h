// The SQLite backend's connection: WAL mode (readers in other processes go on while one process
// writes), a busy timeout for writers waiting on each other, BEGIN IMMEDIATE for writes so that
// a write transaction holds the write lock from its start (no upgrade deadlocks).
#pragma once

#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "store/database.h"

namespace zenhub::store {

class SqliteDatabase final : public Database {
 public:
  // Throws StoreError naming `uri` when the file cannot be opened (or, without `create`, does
  // not exist) or is not a SQLite database.
  SqliteDatabase(const std::string& uri, const std::string& file, bool create, int busyTimeoutMs);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  std::string_view backendName() const override { return "sqlite"; }
  void execute(const std::string& sql) override;
  SqlResult query(const std::string& sql, const SqlParams& params) override;
  void scan(const std::string& sql, const SqlParams& params,
            const std::function<void(const SqlRow&)>& onRow) override;
  void insertRows(const std::string& table, const std::vector<std::string>& columns,
                  const std::vector<SqlParams>& rows) override;
  void beginRead() override;
  void beginWrite() override;
  void commit() override;
  void rollback() override;
  std::vector<model::Oid> allocateOids(size_t n) override;
  bool hasTable(const std::string& name) override;
  const std::vector<Migration>& migrations() const override;
  void lockForMigration() override {}  // BEGIN IMMEDIATE already excludes other writers

 private:
  // A new file is in rollback-journal mode: switches it to WAL (a no-op once it is), waiting up
  // to `busyTimeoutMs` for other connections doing the same (a hub polling for a store that
  // `zenhubctl model init` is creating).
  void switchToWal(int busyTimeoutMs);
  sqlite3_stmt* prepare(const std::string& sql);
  // Runs a statement without parameters or rows (BEGIN, COMMIT, ROLLBACK) from the cache.
  void control(const std::string& sql);
  void bind(sqlite3_stmt* stmt, const SqlParams& params, const std::string& sql);
  [[noreturn]] void fail(const std::string& what, const std::string& sql = {});

  std::string uri_;
  sqlite3* db_ = nullptr;
  // Prepared statements by SQL text; finalised in the destructor.
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace zenhub::store
