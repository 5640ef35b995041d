// The PostgreSQL backend's connection (libpq). Reads run in REPEATABLE READ READ ONLY
// transactions (one snapshot for the whole transaction), writes in READ COMMITTED, bulk inserts
// use COPY. A lost connection is re-established at the next transaction.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <unordered_map>

#include "store/database.h"

namespace zenhub::store {

class PgDatabase final : public Database {
 public:
  // Throws StoreError naming the URI (without its password) when the server cannot be reached.
  explicit PgDatabase(const std::string& uri);
  ~PgDatabase() override;
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  std::string_view backendName() const override { return "postgresql"; }
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
  void lockForMigration() override;

 private:
  void ensureConnected();
  void begin(const char* sql);
  // Runs one statement (prepared on first use); the caller owns the result (PQclear).
  PGresult* run(const std::string& sql, const SqlParams& params);
  [[noreturn]] void fail(const std::string& what, PGresult* result, const std::string& sql);

  std::string uri_;        // as given, for libpq
  std::string shownUri_;   // without the password, for messages
  PGconn* conn_ = nullptr;
  // Prepared statement names by SQL text; they live as long as the connection.
  std::unordered_map<std::string, std::string> statements_;
};

// `uri` with any password replaced by "***".
std::string redactUri(const std::string& uri);

}  // namespace zenhub::store
