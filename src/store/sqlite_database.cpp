#include "store/sqlite_database.h"

#include "store/errors.h"

#include <algorithm>
#include <chrono>

namespace zenhub::store {

namespace {

const char* kSchemaV1 = R"sql(
CREATE TABLE objects (
  oid    INTEGER PRIMARY KEY,
  parent INTEGER,
  path   TEXT NOT NULL UNIQUE,
  name   TEXT NOT NULL,
  class  TEXT NOT NULL,
  props  TEXT NOT NULL
);
CREATE INDEX objects_parent ON objects(parent);
CREATE INDEX objects_class ON objects(class);
CREATE TABLE changes (
  tid  INTEGER NOT NULL,
  oid  INTEGER NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (tid, oid)
) WITHOUT ROWID;
CREATE TABLE feed_state (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  last_tid          INTEGER NOT NULL,
  compacted_through INTEGER NOT NULL,
  next_oid          INTEGER NOT NULL
);
INSERT INTO feed_state VALUES (1, 0, 0, 4);
INSERT INTO objects VALUES
  (1, NULL, '/Devices', 'Devices', 'DeviceClass', '{}'),
  (2, NULL, '/Monitors', 'Monitors', 'Organizer', '{}'),
  (3, 2, '/Monitors/Performance', 'Performance', 'Organizer', '{}');
)sql";

// The change feed says what each oid was: its path after the change (before, for a delete), its
// class, and when the transaction committed (unix ms). Entries written before have '' and 0.
const char* kSchemaV2 = R"sql(
ALTER TABLE changes ADD COLUMN path TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN class TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN committed_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// Each device's collector (store::deviceCollector: its perfServer when that is a string) in a
// column of its own, with a partial index, so that the devices of one collector are read without
// reading the others (ReadTransaction::devicesOfCollector). Writes keep it with the properties.
const char* kSchemaV3 = R"sql(
ALTER TABLE objects ADD COLUMN collector TEXT;
UPDATE objects SET collector = json_extract(props, '$.perfServer')
  WHERE class = 'Device' AND json_type(props, '$.perfServer') = 'text';
CREATE INDEX objects_collector ON objects(collector) WHERE collector IS NOT NULL;
)sql";

// A scan's current row, read straight from the statement (integers without a detour through text).
class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  std::int64_t integer(size_t col) const override { return sqlite3_column_int64(stmt_, static_cast<int>(col)); }
  std::string_view text(size_t col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, static_cast<int>(col)));
    if (p == nullptr) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, static_cast<int>(col)))};
  }

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace

SqliteDatabase::SqliteDatabase(const std::string& uri, const std::string& file, bool create,
                               int busyTimeoutMs)
    : uri_(uri) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open store " + uri + ": " + msg + " (file " + file +
                     (create ? ")" : "; `zenhubctl model --store URI init` creates a store)"));
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    sqlite3_busy_timeout(db_, busyTimeoutMs);
    switchToWal(busyTimeoutMs);
    execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;");
  } catch (...) {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void SqliteDatabase::switchToWal(int busyTimeoutMs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busyTimeoutMs);
  for (int delayMs = 1;; delayMs = std::min(delayMs * 2, 50)) {
    try {
      SqlResult mode = query("PRAGMA journal_mode=WAL", {});
      if (mode.rows() != 1 || mode.text(0, 0) != "wal") fail("cannot switch to WAL mode");
      return;
    } catch (const StoreError&) {
      // Two connections switching a new file at once: one of them gets SQLITE_BUSY at once (it
      // holds a shared lock that the other waits for, so SQLite does not call the busy handler).
      bool busy = (sqlite3_errcode(db_) & 0xff) == SQLITE_BUSY;
      if (!busy || std::chrono::steady_clock::now() >= deadline) throw;
    }
    sqlite3_sleep(delayMs);
  }
}

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void SqliteDatabase::fail(const std::string& what, const std::string& sql) {
  std::string msg = "store " + uri_ + ": " + what + ": " + sqlite3_errmsg(db_);
  if (!sql.empty()) msg += " (in: " + sql.substr(0, 120) + ")";
  throw StoreError(msg);
}

void SqliteDatabase::execute(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("store " + uri_ + ": " + msg + " (in: " + sql.substr(0, 120) + ")");
  }
}

sqlite3_stmt* SqliteDatabase::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  // The store writes PostgreSQL's $N; SQLite would number "$N" by first appearance, but "?N"
  // by N. The store's SQL has no '$' in literals.
  std::string native = sql;
  for (size_t i = 0; i + 1 < native.size(); ++i) {
    if (native[i] == '$' && native[i + 1] >= '0' && native[i + 1] <= '9') native[i] = '?';
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, native.c_str(), static_cast<int>(native.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    fail("cannot prepare statement", sql);
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

void SqliteDatabase::bind(sqlite3_stmt* stmt, const SqlParams& params, const std::string& sql) {
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    throw StoreError("store: statement wants " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                     " parameters, got " + std::to_string(params.size()) + " (in: " + sql + ")");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) fail("cannot bind parameter", sql);
  }
}

SqlResult SqliteDatabase::query(const std::string& sql, const SqlParams& params) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params, sql);
  int columns = sqlite3_column_count(stmt);
  SqlResult result(static_cast<size_t>(columns));
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
      fail("query failed", sql);
    }
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
        result.add(std::nullopt);
      } else {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        result.add(std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      }
    }
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return result;
}

void SqliteDatabase::scan(const std::string& sql, const SqlParams& params,
                          const std::function<void(const SqlRow&)>& onRow) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params, sql);
  // Leaves the cached statement ready for its next use however the scan ends (onRow may throw).
  struct Reset {
    sqlite3_stmt* stmt;
    ~Reset() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{stmt};
  SqliteRow row(stmt);
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return;
    if (rc != SQLITE_ROW) fail("query failed", sql);
    onRow(row);
  }
}

void SqliteDatabase::insertRows(const std::string& table, const std::vector<std::string>& columns,
                                const std::vector<SqlParams>& rows) {
  std::string sql = "INSERT INTO " + table + " (";
  std::string values;
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? "," : "") + columns[i];
    values += (i ? ",$" : "$") + std::to_string(i + 1);
  }
  sql += ") VALUES (" + values + ")";
  sqlite3_stmt* stmt = prepare(sql);
  for (const auto& row : rows) {
    bind(stmt, row, sql);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
      sqlite3_clear_bindings(stmt);
      fail("insert failed", sql);
    }
  }
  sqlite3_clear_bindings(stmt);
}

void SqliteDatabase::control(const std::string& sql) {
  sqlite3_stmt* stmt = prepare(sql);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt);
    return;
  }
  std::string msg = "store " + uri_ + ": " + sqlite3_errmsg(db_) + " (in: " + sql + ")";
  sqlite3_reset(stmt);
  throw StoreError(msg);
}

// Each transaction's BEGIN and COMMIT (every service call has one) run as cached statements:
// sqlite3_exec() would parse them each time.
void SqliteDatabase::beginRead() {
  static const std::string sql = "BEGIN DEFERRED";
  control(sql);
}
void SqliteDatabase::beginWrite() {
  static const std::string sql = "BEGIN IMMEDIATE";
  control(sql);
}
void SqliteDatabase::commit() {
  static const std::string sql = "COMMIT";
  control(sql);
}
void SqliteDatabase::rollback() {
  static const std::string sql = "ROLLBACK";
  if (!sqlite3_get_autocommit(db_)) control(sql);
}

std::vector<model::Oid> SqliteDatabase::allocateOids(size_t n) {
  std::vector<model::Oid> oids;
  if (n == 0) return oids;
  SqlResult r = query("UPDATE feed_state SET next_oid = next_oid + $1 WHERE id = 1 RETURNING next_oid",
                      {static_cast<std::int64_t>(n)});
  model::Oid end = r.integer(0, 0);
  oids.reserve(n);
  for (model::Oid oid = end - static_cast<model::Oid>(n); oid < end; ++oid) oids.push_back(oid);
  return oids;
}

bool SqliteDatabase::hasTable(const std::string& name) {
  return query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1", {name})
             .integer(0, 0) > 0;
}

const std::vector<Migration>& SqliteDatabase::migrations() const {
  static const std::vector<Migration> kMigrations = {{1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3}};
  return kMigrations;
}

}  // namespace zenhub::store
