#include "store/pg_database.h"

#include <charconv>
#include <memory>

#include "store/errors.h"

namespace zenhub::store {

namespace {

const char* kSchemaV1 = R"sql(
CREATE TABLE objects (
  oid    BIGINT PRIMARY KEY,
  parent BIGINT,
  path   TEXT COLLATE "C" NOT NULL UNIQUE,
  name   TEXT NOT NULL,
  class  TEXT NOT NULL,
  props  TEXT NOT NULL
);
CREATE INDEX objects_parent ON objects(parent);
CREATE INDEX objects_class ON objects(class);
CREATE TABLE changes (
  tid  BIGINT NOT NULL,
  oid  BIGINT NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (tid, oid)
);
CREATE TABLE feed_state (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  last_tid          BIGINT NOT NULL,
  compacted_through BIGINT NOT NULL,
  next_oid          BIGINT NOT NULL
);
INSERT INTO feed_state VALUES (1, 0, 0, 4);
CREATE SEQUENCE oid_seq START WITH 4;
INSERT INTO objects VALUES
  (1, NULL, '/Devices', 'Devices', 'DeviceClass', '{}'),
  (2, NULL, '/Monitors', 'Monitors', 'Organizer', '{}'),
  (3, 2, '/Monitors/Performance', 'Performance', 'Organizer', '{}');
)sql";

// The change feed says what each oid was: its path after the change (before, for a delete), its
// class, and when the transaction committed (unix ms). Entries written before have '' and 0.
const char* kSchemaV2 = R"sql(
ALTER TABLE changes
  ADD COLUMN path TEXT NOT NULL DEFAULT '',
  ADD COLUMN class TEXT NOT NULL DEFAULT '',
  ADD COLUMN committed_ms BIGINT NOT NULL DEFAULT 0;
)sql";

// Each device's collector (store::deviceCollector: its perfServer when that is a string) in a
// column of its own, with a partial index, so that the devices of one collector are read without
// reading the others (ReadTransaction::devicesOfCollector). Writes keep it with the properties.
const char* kSchemaV3 = R"sql(
ALTER TABLE objects ADD COLUMN collector TEXT;
UPDATE objects SET collector = props::jsonb ->> 'perfServer'
  WHERE class = 'Device' AND jsonb_typeof(props::jsonb -> 'perfServer') = 'string';
CREATE INDEX objects_collector ON objects(collector) WHERE collector IS NOT NULL;
)sql";

// Any advisory lock key; only store migrations use it.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7246318)";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

void appendCopyText(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

// A scan's current row: a view into the libpq result.
class PgRow final : public SqlRow {
 public:
  explicit PgRow(const PGresult* result) : result_(result) {}
  void moveTo(int row) { row_ = row; }
  std::int64_t integer(size_t col) const override {
    int c = static_cast<int>(col);
    if (PQgetisnull(result_, row_, c)) return 0;
    const char* p = PQgetvalue(result_, row_, c);
    const char* end = p + PQgetlength(result_, row_, c);
    std::int64_t value = 0;
    auto [stop, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || stop != end) throw StoreError("expected an integer, got '" + std::string(p, end) + "'");
    return value;
  }
  std::string_view text(size_t col) const override {
    int c = static_cast<int>(col);
    return {PQgetvalue(result_, row_, c), static_cast<size_t>(PQgetlength(result_, row_, c))};
  }

 private:
  const PGresult* result_;
  int row_ = 0;
};

}  // namespace

std::string redactUri(const std::string& uri) {
  auto scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  auto at = uri.find('@', scheme + 3);
  if (at == std::string::npos) return uri;
  auto colon = uri.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

PgDatabase::PgDatabase(const std::string& uri) : uri_(uri), shownUri_(redactUri(uri)) {
  conn_ = PQconnectdb(uri_.c_str());
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreError("cannot open store " + shownUri_ + ": " + msg);
  }
  execute("SET client_min_messages = warning");
}

PgDatabase::~PgDatabase() { PQfinish(conn_); }

void PgDatabase::ensureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return;
  PQreset(conn_);
  statements_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw StoreError("store " + shownUri_ + ": connection lost: " + PQerrorMessage(conn_));
  }
  execute("SET client_min_messages = warning");
}

void PgDatabase::fail(const std::string& what, PGresult* result, const std::string& sql) {
  std::string msg = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  throw StoreError("store " + shownUri_ + ": " + what + ": " + msg + " (in: " + sql.substr(0, 120) + ")");
}

void PgDatabase::execute(const std::string& sql) {
  Result r(PQexec(conn_, sql.c_str()));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("statement failed", r.get(), sql);
}

PGresult* PgDatabase::run(const std::string& sql, const SqlParams& params) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::string name = "zs" + std::to_string(statements_.size());
    Result r(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail("cannot prepare statement", r.get(), sql);
    it = statements_.emplace(sql, name).first;
  }
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  for (size_t i = 0; i < params.size(); ++i) {
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
      lengths[i] = static_cast<int>(texts[i].size());
    } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
      texts[i] = std::string(*s);  // libpq wants NUL-terminated text parameters
      values[i] = texts[i].c_str();
      lengths[i] = static_cast<int>(texts[i].size());
    }
  }
  Result r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(),
                          lengths.data(), nullptr, 0));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("query failed", r.get(), sql);
  return r.release();
}

SqlResult PgDatabase::query(const std::string& sql, const SqlParams& params) {
  Result r(run(sql, params));
  int rows = PQntuples(r.get());
  int columns = PQnfields(r.get());
  SqlResult result(static_cast<size_t>(columns));
  result.reserveRows(static_cast<size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r.get(), row, c)) {
        result.add(std::nullopt);
      } else {
        result.add(std::string(PQgetvalue(r.get(), row, c), static_cast<size_t>(PQgetlength(r.get(), row, c))));
      }
    }
  }
  return result;
}

void PgDatabase::scan(const std::string& sql, const SqlParams& params,
                      const std::function<void(const SqlRow&)>& onRow) {
  Result r(run(sql, params));
  PgRow row(r.get());
  for (int i = 0, rows = PQntuples(r.get()); i < rows; ++i) {
    row.moveTo(i);
    onRow(row);
  }
}

void PgDatabase::insertRows(const std::string& table, const std::vector<std::string>& columns,
                            const std::vector<SqlParams>& rows) {
  if (rows.empty()) return;
  std::string sql = "COPY " + table + " (";
  for (size_t i = 0; i < columns.size(); ++i) sql += (i ? "," : "") + columns[i];
  sql += ") FROM STDIN";
  {
    Result r(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) fail("cannot start COPY", r.get(), sql);
  }
  constexpr size_t kChunk = 1 << 20;
  std::string buffer;
  buffer.reserve(kChunk + 4096);
  auto flush = [this, &buffer, &sql] {
    if (buffer.empty()) return;
    if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      fail("COPY failed", nullptr, sql);
    }
    buffer.clear();
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buffer += '\t';
      if (const auto* n = std::get_if<std::int64_t>(&row[i])) {
        buffer += std::to_string(*n);
      } else if (const auto* s = std::get_if<std::string_view>(&row[i])) {
        appendCopyText(buffer, *s);
      } else {
        buffer += "\\N";
      }
    }
    buffer += '\n';
    if (buffer.size() >= kChunk) flush();
  }
  flush();
  if (PQputCopyEnd(conn_, nullptr) != 1) fail("COPY failed", nullptr, sql);
  Result r(PQgetResult(conn_));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    std::string err = PQresultErrorMessage(r.get());
    while (Result more{PQgetResult(conn_)}) {
    }
    throw StoreError("store " + shownUri_ + ": COPY failed: " + err);
  }
  while (Result more{PQgetResult(conn_)}) {
  }
}

void PgDatabase::begin(const char* sql) {
  ensureConnected();
  try {
    execute(sql);
  } catch (const StoreError&) {
    // A connection the server closed (it restarted) shows only when the next statement fails.
    // Nothing has run in this transaction yet: reconnect once and begin again.
    if (PQstatus(conn_) == CONNECTION_OK) throw;
    ensureConnected();
    execute(sql);
  }
}

void PgDatabase::beginRead() { begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

void PgDatabase::beginWrite() { begin("BEGIN ISOLATION LEVEL READ COMMITTED"); }

void PgDatabase::commit() { execute("COMMIT"); }

void PgDatabase::rollback() {
  if (PQstatus(conn_) != CONNECTION_OK) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  execute("ROLLBACK");
}

std::vector<model::Oid> PgDatabase::allocateOids(size_t n) {
  std::vector<model::Oid> oids;
  if (n == 0) return oids;
  SqlResult r = query("SELECT nextval('oid_seq') FROM generate_series(1, $1::bigint)",
                      {static_cast<std::int64_t>(n)});
  oids.reserve(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) oids.push_back(r.integer(i, 0));
  return oids;
}

bool PgDatabase::hasTable(const std::string& name) {
  return query("SELECT to_regclass($1::text) IS NOT NULL", {name}).text(0, 0) == "t";
}

const std::vector<Migration>& PgDatabase::migrations() const {
  static const std::vector<Migration> kMigrations = {{1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3}};
  return kMigrations;
}

void PgDatabase::lockForMigration() { query(kMigrationLock, {}); }

}  // namespace zenhub::store
