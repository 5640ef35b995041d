#include "store/database.h"
#include "store/migrate.h"
#include "store/pg_database.h"
#include "store/sql_store.h"
#include "store/sqlite_database.h"
#include "store/store_uri.h"

namespace zenhub::store {

std::unique_ptr<Store> openStore(const std::string& uri, const OpenOptions& options) {
  StoreUri parsed = parseStoreUri(uri);
  std::unique_ptr<Database> db;
  if (parsed.kind == StoreUri::Kind::kPostgres) {
    db = std::make_unique<PgDatabase>(parsed.location);
  } else {
    db = std::make_unique<SqliteDatabase>(uri, parsed.location, options.create, options.busyTimeoutMs);
  }
  migrate(*db, redactUri(uri), options.create);
  return std::make_unique<SqlStore>(std::move(db), options.beforeCommit);
}

}  // namespace zenhub::store
