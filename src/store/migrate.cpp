#include "store/migrate.h"

#include "store/errors.h"

namespace zenhub::store {

void migrate(Database& db, const std::string& shownUri, bool create) {
  db.beginWrite();
  try {
    db.lockForMigration();
    if (!db.hasTable("schema_version")) {
      if (!create) {
        throw StoreError("store " + shownUri +
                         " is not initialised (run `zenhubctl model --store URI init`)");
      }
      db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL); "
                 "INSERT INTO schema_version VALUES (0);");
    }
    std::int64_t version = db.query("SELECT version FROM schema_version", {}).integer(0, 0);
    const auto& migrations = db.migrations();
    std::int64_t newest = migrations.empty() ? 0 : migrations.back().version;
    if (version > newest) {
      throw StoreError("store " + shownUri + " has schema version " + std::to_string(version) +
                       ", newer than this zenhub understands (" + std::to_string(newest) + ")");
    }
    for (const auto& m : migrations) {
      if (m.version <= version) continue;
      db.execute(m.sql);
      db.query("UPDATE schema_version SET version = $1", {static_cast<std::int64_t>(m.version)});
    }
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

}  // namespace zenhub::store
