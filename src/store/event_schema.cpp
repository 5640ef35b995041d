#include "store/event_schema.h"

#include <string>
#include <vector>

#include "store/errors.h"

namespace zenhub::store {

namespace {

// is_open: 1 while open. fingerprint / clear_key: see event_store.h. Times are microseconds
// since the epoch. details: a JSON object of strings.
const char* kSqliteV1 = R"sql(
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  clear_key   TEXT NOT NULL,
  device      TEXT NOT NULL,
  component   TEXT NOT NULL,
  event_class TEXT NOT NULL,
  event_key   TEXT NOT NULL,
  severity    INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  message     TEXT NOT NULL,
  agent       TEXT NOT NULL,
  monitor     TEXT NOT NULL,
  details     TEXT NOT NULL,
  count       INTEGER NOT NULL,
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  is_open     INTEGER NOT NULL,
  closed_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_open_fingerprint ON events(fingerprint) WHERE is_open = 1;
CREATE INDEX events_open_clear_key ON events(clear_key) WHERE is_open = 1;
CREATE INDEX events_last_seen ON events(last_seen);
CREATE INDEX events_device ON events(device);
)sql";

const char* kPostgresV1 = R"sql(
CREATE TABLE events (
  id          BIGSERIAL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  clear_key   TEXT NOT NULL,
  device      TEXT NOT NULL,
  component   TEXT NOT NULL,
  event_class TEXT COLLATE "C" NOT NULL,
  event_key   TEXT NOT NULL,
  severity    INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  message     TEXT NOT NULL,
  agent       TEXT NOT NULL,
  monitor     TEXT NOT NULL,
  details     TEXT NOT NULL,
  count       BIGINT NOT NULL,
  first_seen  BIGINT NOT NULL,
  last_seen   BIGINT NOT NULL,
  is_open     INTEGER NOT NULL,
  closed_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX events_open_fingerprint ON events(fingerprint) WHERE is_open = 1;
CREATE INDEX events_open_clear_key ON events(clear_key) WHERE is_open = 1;
CREATE INDEX events_last_seen ON events(last_seen);
CREATE INDEX events_device ON events(device);
)sql";

std::vector<Migration> eventMigrations(const Database& db) {
  bool pg = db.backendName() == "postgresql";
  return {{1, pg ? kPostgresV1 : kSqliteV1}};
}

}  // namespace

void migrateEvents(Database& db) {
  db.beginWrite();
  try {
    db.lockForMigration();
    if (!db.hasTable("event_schema_version")) {
      db.execute(
          "CREATE TABLE event_schema_version (version INTEGER NOT NULL); "
          "INSERT INTO event_schema_version VALUES (0);");
    }
    std::int64_t version = db.query("SELECT version FROM event_schema_version", {}).integer(0, 0);
    auto migrations = eventMigrations(db);
    if (version > migrations.back().version) {
      throw StoreError("the store's event tables have version " + std::to_string(version) +
                       ", newer than this zenhub understands (" +
                       std::to_string(migrations.back().version) + ")");
    }
    for (const auto& m : migrations) {
      if (m.version <= version) continue;
      db.execute(m.sql);
      db.query("UPDATE event_schema_version SET version = $1",
               {static_cast<std::int64_t>(m.version)});
    }
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

}  // namespace zenhub::store
