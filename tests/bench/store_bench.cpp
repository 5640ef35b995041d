// zenhub-bench "store": for each backend (SQLite; PostgreSQL when options.pgUri is set),
//  1. loading a generated model of 100,000 devices (about 480,000 objects) into a fresh store,
//     against a baseline of raw inserts of the same rows with the backend's own client library
//     (a prepared INSERT in one transaction for SQLite, COPY for PostgreSQL), and
//  2. changesSince over one transaction that changed 10,000 devices, against the raw SELECT of
//     the same feed rows.
// Medians over options.repetitions; options.quick shrinks the sizes for the ctest smoke run.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "scenarios.h"
#include "store/json_codec.h"
#include "store/model_generator.h"
#include "store/model_loader.h"
#include "store/store.h"

namespace zenhub::bench {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct StoreSizes {
  std::int64_t devices;
  std::int64_t changed;
};

// A fresh, empty store location per run: a new SQLite file, or a new PostgreSQL schema.
class Scratch {
 public:
  Scratch(const std::string& backend, const Options& options, int run) : backend_(backend) {
    std::string tag = std::to_string(::getpid()) + "_" + std::to_string(run);
    if (backend == "sqlite") {
      fs::path dir = options.workDir.empty() ? fs::temp_directory_path() : fs::path(options.workDir);
      file_ = (dir / ("store-bench-" + tag + ".db")).string();
      removeFiles();
      uri_ = "sqlite://" + file_;
    } else {
      base_ = options.pgUri;
      schema_ = "bench_" + tag;
      pg("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
      uri_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
  }
  ~Scratch() {
    try {
      if (backend_ == "sqlite") removeFiles();
      else pg("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    } catch (const std::exception&) {
    }
  }
  const std::string& uri() const { return uri_; }
  const std::string& file() const { return file_; }
  void pg(const std::string& sql) const {
    PGconn* c = PQconnectdb(base_.c_str());
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PGresult* r = PQexec(c, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string err = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("bench: " + err);
  }

 private:
  void removeFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file_ + suffix);
  }
  std::string backend_, uri_, file_, base_, schema_;
};

// Rows as the store would write them, for the baselines.
struct Row {
  std::int64_t oid;
  std::string path, id, className, props;
};
std::vector<Row> rowsOf(const std::vector<store::ObjectSpec>& specs) {
  std::vector<Row> rows;
  rows.reserve(specs.size());
  std::int64_t oid = 100;
  for (const auto& s : specs) rows.push_back({oid++, s.path(), s.id, s.className, store::encodeProperties(s.properties)});
  return rows;
}

const char* kBaselineTable =
    "CREATE TABLE raw (oid BIGINT PRIMARY KEY, parent BIGINT, path TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
    "class TEXT NOT NULL, props TEXT NOT NULL)";

double sqliteRawInsert(const Scratch& s, const std::vector<Row>& rows) {
  sqlite3* db = nullptr;
  sqlite3_open(s.file().c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
  sqlite3_exec(db, kBaselineTable, nullptr, nullptr, nullptr);
  auto start = Clock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO raw VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, nullptr);
  for (const auto& r : rows) {
    sqlite3_bind_int64(st, 1, r.oid);
    sqlite3_bind_int64(st, 2, r.oid - 1);
    sqlite3_bind_text(st, 3, r.path.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r.id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r.className.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r.props.c_str(), -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  double seconds = since(start);
  sqlite3_close(db);
  return seconds;
}

double pgRawCopy(const Scratch& s, const std::vector<Row>& rows) {
  PGconn* c = PQconnectdb(s.uri().c_str());
  PQclear(PQexec(c, kBaselineTable));
  auto start = Clock::now();
  PQclear(PQexec(c, "BEGIN"));
  PQclear(PQexec(c, "COPY raw FROM STDIN"));
  std::string buf;
  for (const auto& r : rows) {
    buf += std::to_string(r.oid) + '\t' + std::to_string(r.oid - 1) + '\t' + r.path + '\t' + r.id + '\t' +
           r.className + '\t';
    for (char ch : r.props) {
      if (ch == '\\') buf += "\\\\";
      else buf += ch;
    }
    buf += '\n';
    if (buf.size() > (1 << 20)) {
      PQputCopyData(c, buf.data(), static_cast<int>(buf.size()));
      buf.clear();
    }
  }
  PQputCopyData(c, buf.data(), static_cast<int>(buf.size()));
  PQputCopyEnd(c, nullptr);
  PQclear(PQgetResult(c));
  PQclear(PQexec(c, "COMMIT"));
  double seconds = since(start);
  PQfinish(c);
  return seconds;
}

// The raw read of the feed rows changesSince returns.
double rawFeedRead(const std::string& backend, const Scratch& s, std::int64_t cursor) {
  // The same six columns changesSince reads; it sorts in C++ only when the rows come unordered.
  std::string sql = "SELECT tid, oid, kind, path, class, committed_ms FROM changes WHERE tid > " + std::to_string(cursor);
  if (backend == "sqlite") {
    sqlite3* db = nullptr;
    sqlite3_open(s.file().c_str(), &db);
    auto start = Clock::now();
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    std::int64_t sum = 0;
    while (sqlite3_step(st) == SQLITE_ROW) sum += sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    double seconds = since(start);
    sqlite3_close(db);
    return sum > 0 ? seconds : seconds;
  }
  PGconn* c = PQconnectdb(s.uri().c_str());
  auto start = Clock::now();
  PGresult* r = PQexec(c, sql.c_str());
  std::int64_t sum = 0;
  for (int i = 0; i < PQntuples(r); ++i) sum += std::atoll(PQgetvalue(r, i, 1));
  PQclear(r);
  double seconds = since(start);
  PQfinish(c);
  return sum > 0 ? seconds : seconds;
}

void runBackend(const std::string& backend, const Options& options, const StoreSizes& sizes) {
  std::vector<store::ObjectSpec> specs =
      store::generateModel({sizes.devices, std::max<std::int64_t>(1, sizes.devices / 100), 1});
  std::vector<Row> rows = rowsOf(specs);
  std::vector<double> load, raw, feed, feedRaw;
  size_t changes = 0;
  int reps = std::max(1, options.repetitions);
  for (int rep = 0; rep < reps; ++rep) {
    {
      Scratch s(backend, options, rep * 2);
      store::OpenOptions open;
      open.create = true;
      auto st = store::openStore(s.uri(), open);
      auto start = Clock::now();
      auto txn = st->write();
      store::loadModel(*txn, specs);
      txn->commit();
      load.push_back(since(start));

      // One transaction changing `sizes.changed` devices, then the feed read that reports it.
      std::int64_t cursor = st->read()->feedCursor();
      {
        auto w = st->write();
        std::vector<store::ObjectSpec> changed;
        for (const auto& spec : specs) {
          if (spec.className != model::cls::kDevice) continue;
          store::ObjectSpec c = spec;
          c.properties.insert_or_assign("productionState", std::int64_t{300 + rep});
          changed.push_back(std::move(c));
          if (static_cast<std::int64_t>(changed.size()) == sizes.changed) break;
        }
        w->upsert(changed);
        w->commit();
      }
      start = Clock::now();
      store::ChangeBatch batch = st->changesSince(cursor);
      feed.push_back(since(start));
      changes = batch.changes.size();
      feedRaw.push_back(rawFeedRead(backend, s, cursor));
    }
    Scratch s(backend, options, rep * 2 + 1);
    raw.push_back(backend == "sqlite" ? sqliteRawInsert(s, rows) : pgRawCopy(s, rows));
  }
  double objects = static_cast<double>(rows.size());
  double loadS = median(load), rawS = median(raw);
  Json()
      .set("scenario", "store_load")
      .set("backend", backend)
      .set("devices", static_cast<long>(sizes.devices))
      .set("objects", static_cast<long>(rows.size()))
      .set("seconds_median", loadS)
      .set("rows_per_s", objects / loadS)
      .set("baseline", backend == "sqlite" ? "raw prepared INSERT, one transaction" : "raw COPY, one transaction")
      .set("baseline_rows_per_s", objects / rawS)
      .set("ratio", rawS / loadS)
      .set("repetitions", reps)
      .print();
  double feedS = median(feed), feedRawS = median(feedRaw);
  Json()
      .set("scenario", "store_changes_since")
      .set("backend", backend)
      .set("changed_oids", static_cast<long>(changes))
      .set("seconds_median", feedS)
      .set("oids_per_s", static_cast<double>(changes) / feedS)
      .set("baseline", "raw SELECT of the same feed rows")
      .set("baseline_seconds_median", feedRawS)
      .set("ratio", feedRawS / feedS)
      .set("repetitions", reps)
      .print();
}

}  // namespace

int runStore(const Options& options) {
  StoreSizes sizes = options.quick ? StoreSizes{2000, 1000} : StoreSizes{100000, 10000};
  runBackend("sqlite", options, sizes);
  if (!options.pgUri.empty()) {
    runBackend("postgresql", options, sizes);
  } else {
    Json().set("scenario", "store_load").set("backend", "postgresql").set("skipped", "no pgUri given").print();
  }
  return 0;
}

}  // namespace zenhub::bench
