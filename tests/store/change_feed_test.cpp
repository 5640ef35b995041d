// What the change feed says about each oid (path, class, commit time), so that a reader can place
// oids it can no longer read: deleted objects and objects moved with their subtree. And the
// schema migrations: version 2 that added it, version 3 that indexes each device's collector.
// The same for every backend (built once per backend).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "store/migrate.h"
#include "store/model_loader.h"
#include "store/model_yaml.h"
#include "store/pg_database.h"
#include "store/sql_store.h"
#include "store/sqlite_database.h"
#include "store/store_uri.h"
#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::Backend;
using testing::TestStore;
using testing::spec;
namespace cls = model::cls;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// (path, class) by oid: what a reader expects the feed to say about each object.
using Expected = std::map<Oid, std::pair<std::string, std::string>>;
Expected byOid(const std::vector<Change>& changes) {
  Expected out;
  for (const auto& c : changes) out.emplace(c.oid, std::make_pair(c.path, c.className));
  return out;
}

class ChangeFeedTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::int64_t loadSample() {
    auto txn = store_->write();
    loadModel(*txn, parseModelYaml(testing::sampleModel(), "sample-model.yaml"));
    return txn->commit();
  }
  // The changes of exactly one transaction, `tid`.
  std::vector<Change> changesOf(std::int64_t tid) {
    ChangeBatch b = store_->changesSince(tid - 1, 1);
    EXPECT_EQ(b.cursor, tid);
    EXPECT_FALSE(b.resyncRequired);
    return b.changes;
  }

  TestStore test_{GetParam()};
  std::unique_ptr<Store> store_ = test_.open();
};

TEST_P(ChangeFeedTest, PutUpdateAndLoadRecordEachObjectsPathAndClass) {
  std::int64_t t1 = 0;
  Oid lab = 0, dev = 0;
  {
    auto txn = store_->write();
    lab = txn->put(spec("/Devices", cls::kDeviceClass, "Lab"));
    dev = txn->put(spec("/Devices/Lab", cls::kDevice, "dev1", {{"manageIp", std::string("10.0.0.1")}}));
    t1 = txn->commit();
  }
  std::vector<Change> created = changesOf(t1);
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0].oid, lab);
  EXPECT_EQ(created[0].path, "/Devices/Lab");
  EXPECT_EQ(created[0].className, cls::kDeviceClass);
  EXPECT_EQ(created[1].oid, dev);
  EXPECT_EQ(created[1].path, "/Devices/Lab/devices/dev1");
  EXPECT_EQ(created[1].className, cls::kDevice);

  std::int64_t t2 = 0;
  {
    auto txn = store_->write();
    txn->update("/Devices/Lab/devices/dev1", {{"title", std::string("changed")}});
    t2 = txn->commit();
  }
  std::vector<Change> updated = changesOf(t2);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].oid, dev);
  EXPECT_EQ(updated[0].kind, ChangeKind::kUpdated);
  EXPECT_EQ(updated[0].path, "/Devices/Lab/devices/dev1");
  EXPECT_EQ(updated[0].className, cls::kDevice);

  // A bulk load (upsert): every created object, with what a snapshot says about it.
  std::int64_t t3 = loadSample();
  std::vector<Change> loaded = changesOf(t3);
  auto txn = store_->read();
  ASSERT_GT(loaded.size(), 50u);
  for (const auto& c : loaded) {
    auto o = txn->getByOid(c.oid);
    ASSERT_TRUE(o) << c.oid;
    EXPECT_EQ(c.path, o->path);
    EXPECT_EQ(c.className, o->className) << c.path;
  }
}

TEST_P(ChangeFeedTest, AnUpsertThatUpdatesRecordsThePathAndClassOfEachUpdatedObject) {
  loadSample();
  std::string web01 = "/Devices/Server/Linux/devices/web01";
  Object before = *store_->read()->get(web01);
  ObjectSpec changed = spec("/Devices/Server/Linux", cls::kDevice, "web01", before.properties);
  changed.properties.insert_or_assign("productionState", std::int64_t{300});
  std::int64_t tid = 0;
  {
    auto txn = store_->write();
    EXPECT_EQ(txn->upsert({changed, spec("/Devices", cls::kDeviceClass, "Lab")}).updated, 1u);
    tid = txn->commit();
  }
  Oid lab = store_->read()->get("/Devices/Lab")->oid;
  EXPECT_EQ(byOid(changesOf(tid)), (Expected{{before.oid, {web01, std::string(cls::kDevice)}},
                                             {lab, {"/Devices/Lab", std::string(cls::kDeviceClass)}}}));
}

TEST_P(ChangeFeedTest, MovingAClassReportsEveryObjectBelowItWithItsNewPath) {
  loadSample();
  const std::string from = "/Devices/Server/Linux";
  std::vector<Object> before = store_->read()->subtree(from);
  size_t devices = 0;
  Expected expected;
  for (const auto& o : before) {
    expected.emplace(o.oid, std::make_pair("/Devices/Network/Linux" + o.path.substr(from.size()), o.className));
    if (o.className == cls::kDevice) ++devices;
  }
  ASSERT_GE(devices, 2u);
  std::int64_t tid = 0;
  {
    auto txn = store_->write();
    txn->move(from, "/Devices/Network");
    tid = txn->commit();
  }
  std::vector<Change> changes = changesOf(tid);
  for (const auto& c : changes) EXPECT_EQ(c.kind, ChangeKind::kUpdated) << c.path;
  EXPECT_EQ(byOid(changes), expected);
  EXPECT_EQ(changes.size(), before.size());
  auto txn = store_->read();
  for (const auto& c : changes) EXPECT_EQ(txn->getByOid(c.oid)->path, c.path);
}

TEST_P(ChangeFeedTest, RemovingADeviceReportsItAndItsComponentsWithTheirPathsAndClasses) {
  loadSample();
  std::vector<Object> gone = store_->read()->subtree("/Devices/Server/Linux/devices/db01");
  ASSERT_GE(gone.size(), 3u);  // the device, its os, and components
  Expected expected;
  for (const auto& o : gone) expected.emplace(o.oid, std::make_pair(o.path, o.className));
  std::int64_t tid = 0;
  {
    auto txn = store_->write();
    txn->remove("/Devices/Server/Linux/devices/db01");
    tid = txn->commit();
  }
  std::vector<Change> changes = changesOf(tid);
  for (const auto& c : changes) EXPECT_EQ(c.kind, ChangeKind::kDeleted) << c.path;
  EXPECT_EQ(byOid(changes), expected);
  EXPECT_EQ(changes.size(), gone.size());
}

TEST_P(ChangeFeedTest, CommitTimeIsTheWritersWallClockTheSameForTheWholeTransaction) {
  loadSample();
  std::int64_t before = nowMs();
  std::int64_t tid = 0;
  {
    auto txn = store_->write();
    txn->remove("/Devices/Server/Linux/devices/db01");
    txn->update("/Devices/Server/Linux/devices/web01", {{"title", std::string("t")}});
    tid = txn->commit();
  }
  std::int64_t after = nowMs();
  std::vector<Change> changes = changesOf(tid);
  ASSERT_GE(changes.size(), 2u);
  for (const auto& c : changes) {
    EXPECT_GE(c.committedAtMs, before);
    EXPECT_LE(c.committedAtMs, after);
    EXPECT_EQ(c.committedAtMs, changes[0].committedAtMs);
  }
}

TEST_P(ChangeFeedTest, WithinOneTransactionTheLastPathWinsAndADeleteIsFinal) {
  loadSample();
  Oid lab = 0, web02 = store_->read()->get("/Devices/Server/Linux/devices/web02")->oid;
  std::int64_t tid = 0;
  {
    auto txn = store_->write();
    lab = txn->put(spec("/Devices", cls::kDeviceClass, "Lab"));
    txn->move("/Devices/Lab", "/Devices/Server");  // created, then moved: its final path
    txn->update("/Devices/Server/Linux/devices/web02", {{"title", std::string("x")}});
    txn->remove("/Devices/Server/Linux/devices/web02");  // updated, then deleted: a delete
    tid = txn->commit();
  }
  std::map<Oid, Change> changes;
  for (const auto& c : changesOf(tid)) changes.emplace(c.oid, c);
  ASSERT_TRUE(changes.count(lab));
  EXPECT_EQ(changes[lab].path, "/Devices/Server/Lab");
  EXPECT_EQ(changes[lab].kind, ChangeKind::kUpdated);
  ASSERT_TRUE(changes.count(web02));
  EXPECT_EQ(changes[web02].kind, ChangeKind::kDeleted);
  EXPECT_EQ(changes[web02].path, "/Devices/Server/Linux/devices/web02");
  EXPECT_EQ(changes[web02].className, cls::kDevice);
}

// A backend's Database, forwarding everything; the test doubles below change one thing.
class ForwardingDatabase : public Database {
 public:
  explicit ForwardingDatabase(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::string_view backendName() const override { return db_->backendName(); }
  void execute(const std::string& sql) override { db_->execute(sql); }
  SqlResult query(const std::string& sql, const SqlParams& params) override { return db_->query(sql, params); }
  void scan(const std::string& sql, const SqlParams& params,
            const std::function<void(const SqlRow&)>& onRow) override {
    db_->scan(sql, params, onRow);
  }
  void insertRows(const std::string& table, const std::vector<std::string>& columns,
                  const std::vector<SqlParams>& rows) override {
    db_->insertRows(table, columns, rows);
  }
  void beginRead() override { db_->beginRead(); }
  void beginWrite() override { db_->beginWrite(); }
  void commit() override { db_->commit(); }
  void rollback() override { db_->rollback(); }
  std::vector<model::Oid> allocateOids(size_t n) override { return db_->allocateOids(n); }
  bool hasTable(const std::string& name) override { return db_->hasTable(name); }
  const std::vector<Migration>& migrations() const override { return db_->migrations(); }
  void lockForMigration() override { db_->lockForMigration(); }

 protected:
  Database& inner() { return *db_; }

 private:
  std::unique_ptr<Database> db_;
};

// Offers only the backend's first `version` migrations: a store at an old schema version, made
// by the real old migration SQL.
class SchemaUpTo final : public ForwardingDatabase {
 public:
  SchemaUpTo(std::unique_ptr<Database> db, int version) : ForwardingDatabase(std::move(db)) {
    for (const auto& m : inner().migrations()) {
      if (m.version <= version) migrations_.push_back(m);
    }
  }
  const std::vector<Migration>& migrations() const override { return migrations_; }

 private:
  std::vector<Migration> migrations_;
};

// Hands a scan's rows over last to first: a backend that returns rows in no particular order.
class ReversedScans final : public ForwardingDatabase {
 public:
  using ForwardingDatabase::ForwardingDatabase;
  void scan(const std::string& sql, const SqlParams& params,
            const std::function<void(const SqlRow&)>& onRow) override {
    SqlResult result = inner().query(sql, params);
    ResultRow row(result);
    for (size_t i = result.rows(); i-- > 0;) {
      row.row = i;
      onRow(row);
    }
  }

 private:
  struct ResultRow final : SqlRow {
    explicit ResultRow(const SqlResult& r) : result(r) {}
    std::int64_t integer(size_t col) const override { return result.integer(row, col); }
    std::string_view text(size_t col) const override {
      return result.isNull(row, col) ? std::string_view() : std::string_view(result.text(row, col));
    }
    const SqlResult& result;
    size_t row = 0;
  };
};

std::unique_ptr<Database> connect(const TestStore& store) {
  StoreUri uri = parseStoreUri(store.uri());
  if (uri.kind == StoreUri::Kind::kPostgres) return std::make_unique<PgDatabase>(uri.location);
  return std::make_unique<SqliteDatabase>(store.uri(), uri.location, true, 1000);
}

TEST_P(ChangeFeedTest, ChangesAreInTidThenOidOrderWhateverOrderTheBackendReturnsThem) {
  SqlStore store(std::make_unique<ReversedScans>(connect(test_)), {});
  std::vector<std::pair<std::int64_t, Oid>> written;
  for (int t = 0; t < 3; ++t) {
    auto txn = store.write();
    std::vector<Oid> oids;
    for (int i = 0; i < 4; ++i) {
      oids.push_back(txn->put(spec("/Devices", cls::kDeviceClass, "C" + std::to_string(t) + std::to_string(i))));
    }
    std::int64_t tid = txn->commit();
    for (Oid oid : oids) written.emplace_back(tid, oid);
  }
  std::vector<std::pair<std::int64_t, Oid>> read;
  for (const auto& c : store.changesSince(0, 100).changes) read.emplace_back(c.tid, c.oid);
  EXPECT_EQ(read, written);
}

TEST_P(ChangeFeedTest, AStoreAtSchemaVersion1MigratesOnOpenAndKeepsItsOldEntries) {
  TestStore old(GetParam());
  {
    SchemaUpTo v1(connect(old), 1);
    migrate(v1, old.uri(), true);
    // A transaction as version 1 recorded it: (tid, oid, kind) only.
    v1.beginWrite();
    v1.query("INSERT INTO changes (tid, oid, kind) VALUES (1, 1, 'u')", {});
    v1.query("UPDATE feed_state SET last_tid = 1 WHERE id = 1", {});
    v1.commit();
    v1.beginRead();
    EXPECT_EQ(v1.query("SELECT version FROM schema_version", {}).integer(0, 0), 1);
    v1.rollback();
  }
  auto store = old.open();
  {
    auto db = connect(old);
    db->beginRead();
    EXPECT_EQ(db->query("SELECT version FROM schema_version", {}).integer(0, 0), db->migrations().back().version);
    db->rollback();
  }
  ChangeBatch oldEntries = store->changesSince(0);
  ASSERT_EQ(oldEntries.changes.size(), 1u);
  EXPECT_EQ(oldEntries.changes[0], (Change{1, 1, ChangeKind::kUpdated, "", "", 0}));
  std::int64_t tid = 0;
  {
    auto txn = store->write();
    txn->update("/Devices", {{"zSnmpPort", std::int64_t{1161}}});
    tid = txn->commit();
  }
  ChangeBatch newEntries = store->changesSince(1);
  ASSERT_EQ(newEntries.changes.size(), 1u);
  EXPECT_EQ(newEntries.changes[0].tid, tid);
  EXPECT_EQ(newEntries.changes[0].path, "/Devices");
  EXPECT_EQ(newEntries.changes[0].className, cls::kDeviceClass);
  EXPECT_GT(newEntries.changes[0].committedAtMs, 0);
}

TEST_P(ChangeFeedTest, AStoreAtSchemaVersion2MigratesEachDevicesCollectorIntoItsIndex) {
  TestStore old(GetParam());
  std::string a = model::childPath("/Devices", cls::kDevice, "a");
  std::string b = model::childPath("/Devices", cls::kDevice, "b");
  std::string c = model::childPath("/Devices", cls::kDevice, "c");
  std::string e = model::childPath("/Devices", cls::kDevice, "e");
  {
    SchemaUpTo v2(connect(old), 2);
    migrate(v2, old.uri(), true);
    // Objects as version 2 stored them (no collector column), props as the codec writes them.
    v2.beginWrite();
    auto insert = [&](Oid oid, Oid parent, const std::string& path, std::string_view className,
                      std::string_view props) {
      std::string name = path.substr(path.rfind('/') + 1);
      v2.query("INSERT INTO objects (oid, parent, path, name, class, props) VALUES ($1, $2, $3, $4, $5, $6)",
               {oid, parent, path, name, className, props});
    };
    insert(4, 3, "/Monitors/Performance/localhost", cls::kCollector, "{}");
    insert(5, 1, a, cls::kDevice, R"({"manageIp":"10.0.0.1","perfServer":"localhost"})");
    insert(6, 1, b, cls::kDevice, R"({"perfServer":"col \"é\" \\ x"})");
    insert(7, 1, c, cls::kDevice, R"({"manageIp":"10.0.0.3"})");           // no collector
    insert(8, 1, model::childPath("/Devices", cls::kDevice, "d"), cls::kDevice,
           R"({"perfServer":5})");                                          // not a string
    insert(9, 1, e, cls::kDevice, R"({"perfServer":""})");
    insert(10, 5, model::childPath(a, cls::kInterface, "eth0"), cls::kInterface,
           R"({"perfServer":"localhost"})");                                // not a device
    insert(11, 1, "/Devices/Odd", cls::kDeviceClass, R"({"perfServer":"localhost"})");
    v2.query("UPDATE feed_state SET next_oid = 12 WHERE id = 1", {});
    v2.commit();
  }
  auto store = old.open();
  {
    auto db = connect(old);
    db->beginRead();
    EXPECT_EQ(db->query("SELECT version FROM schema_version", {}).integer(0, 0), 3);
    db->rollback();
  }
  auto paths = [&](std::string_view collector) {
    auto txn = store->read();
    std::vector<std::string> out;
    for (const auto& d : txn->devicesOfCollector(collector)) out.push_back(d.path);
    return out;
  };
  EXPECT_EQ(paths("localhost"), std::vector<std::string>{a});
  EXPECT_EQ(paths("col \"é\" \\ x"), std::vector<std::string>{b});
  EXPECT_EQ(paths(""), std::vector<std::string>{e});
  EXPECT_TRUE(paths("5").empty());
  {
    auto txn = store->read();  // the rule the index follows, device by device
    for (const auto& d : txn->ofClass(cls::kDevice)) {
      auto collector = deviceCollector(d);
      EXPECT_EQ(collector, model::getString(d.properties, "perfServer")) << d.path;
      if (collector) {
        auto same = txn->devicesOfCollector(*collector);
        EXPECT_TRUE(std::any_of(same.begin(), same.end(), [&](const Object& o) { return o.path == d.path; }));
      }
    }
  }
  // Writes after the migration keep the column.
  {
    auto txn = store->write();
    txn->update(c, {{"perfServer", std::string("localhost")}});
    txn->update(a, {}, {"perfServer"});
    txn->commit();
  }
  EXPECT_EQ(paths("localhost"), std::vector<std::string>{c});
}

ZENHUB_INSTANTIATE_FOR_BACKEND(ChangeFeedTest);

}  // namespace
}  // namespace zenhub::store
