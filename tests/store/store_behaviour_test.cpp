// The store's behaviour, the same for every backend (built once per backend).
#include <gtest/gtest.h>

#include <set>

#include "store/model_generator.h"
#include "store/model_loader.h"
#include "store/model_queries.h"
#include "store/model_yaml.h"
#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::Backend;
using testing::TestStore;
using testing::spec;
using testing::sampleModel;
namespace cls = model::cls;

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::int64_t loadSample(Store& store) {
    auto txn = store.write();
    loadModel(*txn, parseModelYaml(sampleModel(), "sample-model.yaml"));
    return txn->commit();
  }
  std::vector<Change> allChanges(Store& store, Cursor from = 0) {
    std::vector<Change> out;
    while (true) {
      ChangeBatch b = store.changesSince(from);
      EXPECT_FALSE(b.resyncRequired);
      out.insert(out.end(), b.changes.begin(), b.changes.end());
      from = b.cursor;
      if (!b.more) return out;
    }
  }

  TestStore test_{GetParam()};
  std::unique_ptr<Store> store_ = test_.open();
};

TEST_P(StoreTest, NewStoreHasTheRootsAndAnEmptyFeed) {
  auto txn = store_->read();
  ASSERT_TRUE(txn->get("/Devices"));
  EXPECT_EQ(txn->get("/Devices")->className, cls::kDeviceClass);
  ASSERT_TRUE(txn->get("/Monitors/Performance"));
  EXPECT_EQ(txn->count(), 3u);
  EXPECT_EQ(txn->feedCursor(), 0);
  EXPECT_EQ(store_->backendName(), testing::backendName(GetParam()));
}

TEST_P(StoreTest, ReopeningAMigratedStoreKeepsItsData) {
  loadSample(*store_);
  auto again = test_.open();
  auto txn = again->read();
  EXPECT_TRUE(txn->get("/Devices/Server/Linux/devices/web01"));
  EXPECT_EQ(txn->feedCursor(), 1);
}

TEST_P(StoreTest, PropertiesOfEveryTypeRoundTrip) {
  Properties props = {{"b", true},
                      {"i", std::int64_t{-42}},
                      {"d", 2.5},
                      {"whole", 3.0},
                      {"s", std::string("quote\" back\\slash tab\t é")},
                      {"empty", std::string()},
                      {"l", model::StringList{"a", "b,c", ""}}};
  {
    auto txn = store_->write();
    txn->put(spec("/Devices", cls::kDeviceClass, "Lab", props));
    txn->commit();
  }
  auto txn = store_->read();
  auto o = txn->get("/Devices/Lab");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->properties, props);
  EXPECT_TRUE(std::holds_alternative<double>(o->properties.at("whole")));
  EXPECT_EQ(o->parent, txn->get("/Devices")->oid);
  EXPECT_EQ(o->id, "Lab");
}

TEST_P(StoreTest, RefusesAnObjectBelowAParentOfTheWrongClass) {
  auto txn = store_->write();
  EXPECT_THROW(txn->put(spec("/Monitors/Performance", cls::kDevice, "dev")), ModelError);
  EXPECT_THROW(txn->put(spec("/Devices/Nowhere", cls::kDeviceClass, "X")), NotFoundError);
  EXPECT_THROW(txn->put(spec("/Devices", cls::kDeviceClass, "a/b")), ModelError);
}

TEST_P(StoreTest, UpdateSetsAndUnsetsAndNoChangeCommitsNoTransaction) {
  loadSample(*store_);
  std::string path = "/Devices/Server/Linux/devices/web01";
  {
    auto txn = store_->write();
    txn->update(path, {{"zSnmpCommunity", std::string("s3cret")}}, {"title"});
    EXPECT_EQ(txn->commit(), 2);
  }
  {
    auto txn = store_->write();
    txn->update(path, {{"zSnmpCommunity", std::string("s3cret")}}, {});
    EXPECT_EQ(txn->commit(), 0);
  }
  auto txn = store_->read();
  auto o = txn->get(path);
  EXPECT_EQ(model::getString(o->properties, "zSnmpCommunity"), "s3cret");
  EXPECT_FALSE(o->properties.count("title"));
  EXPECT_EQ(txn->feedCursor(), 2);
}

TEST_P(StoreTest, MoveCarriesTheSubtreeAndFeedsEveryMovedObject) {
  loadSample(*store_);
  std::vector<Object> before = store_->read()->subtree("/Devices/Server/Linux/devices/web02");
  ASSERT_EQ(before.size(), 5u);
  {
    auto txn = store_->write();
    txn->move("/Devices/Server/Linux/devices/web02", "/Devices/Server/Windows");
    txn->commit();
  }
  std::vector<Change> changes = store_->changesSince(1).changes;
  ASSERT_EQ(changes.size(), 5u);
  auto txn = store_->read();
  EXPECT_FALSE(txn->get("/Devices/Server/Linux/devices/web02"));
  auto moved = txn->subtree("/Devices/Server/Windows/devices/web02");
  ASSERT_EQ(moved.size(), 5u);
  EXPECT_EQ(moved[0].parent, txn->get("/Devices/Server/Windows")->oid);
  EXPECT_TRUE(txn->get("/Devices/Server/Windows/devices/web02/os/interfaces/eth0"));
  std::set<Oid> changed;
  for (const auto& c : changes) changed.insert(c.oid);
  for (const auto& o : before) {
    EXPECT_EQ(txn->getByOid(o.oid)->id, o.id);  // oids survive a move
    EXPECT_TRUE(changed.count(o.oid)) << o.path;
  }
}

TEST_P(StoreTest, MoveAndRemoveRefuseWhatWouldBreakTheTree) {
  loadSample(*store_);
  auto txn = store_->write();
  EXPECT_THROW(txn->move("/Devices/Server", "/Devices/Server/Linux"), ModelError);
  EXPECT_THROW(txn->move("/Devices/Server/Linux/devices/web01", "/Monitors/Performance"), ModelError);
  EXPECT_THROW(txn->remove("/Devices"), ModelError);
  EXPECT_THROW(txn->remove("/Devices/Nope"), NotFoundError);
  EXPECT_THROW(txn->move("/Devices/Server/Linux/devices/web01", "/Devices/Server/Linux/devices/web02"), ModelError);
}

TEST_P(StoreTest, RemoveDeletesTheSubtreeAndFeedsDeletes) {
  loadSample(*store_);
  std::vector<Object> gone = store_->read()->subtree("/Devices/Server/Linux/devices/db01");
  {
    auto txn = store_->write();
    EXPECT_EQ(txn->remove("/Devices/Server/Linux/devices/db01"), gone.size());
    txn->commit();
  }
  EXPECT_TRUE(store_->read()->subtree("/Devices/Server/Linux/devices/db01").empty());
  std::vector<Change> changes = store_->changesSince(1).changes;
  ASSERT_EQ(changes.size(), gone.size());
  for (const auto& c : changes) EXPECT_EQ(c.kind, ChangeKind::kDeleted);
}

TEST_P(StoreTest, AnUncommittedTransactionLeavesNoTrace) {
  loadSample(*store_);
  {
    auto txn = store_->write();
    txn->remove("/Devices/Server");
    txn->put(spec("/Devices", cls::kDeviceClass, "Temp"));
  }
  auto txn = store_->read();
  EXPECT_TRUE(txn->get("/Devices/Server/Linux/devices/web01"));
  EXPECT_FALSE(txn->get("/Devices/Temp"));
  EXPECT_EQ(txn->feedCursor(), 1);
}

TEST_P(StoreTest, AReadTransactionSeesOneSnapshot) {
  loadSample(*store_);
  auto other = test_.open();
  auto snapshot = store_->read();
  ASSERT_TRUE(snapshot->get("/Devices/Server/Linux/devices/web01"));
  {
    auto txn = other->write();
    txn->remove("/Devices/Server/Linux/devices/web01");
    txn->update("/Devices/Server/Linux/devices/web02", {{"title", std::string("changed")}});
    txn->commit();
  }
  EXPECT_TRUE(snapshot->get("/Devices/Server/Linux/devices/web01"));
  EXPECT_EQ(model::getString(snapshot->get("/Devices/Server/Linux/devices/web02")->properties, "title"),
            "web02.example.com");
  EXPECT_EQ(snapshot->feedCursor(), 1);
  snapshot.reset();
  EXPECT_FALSE(store_->read()->get("/Devices/Server/Linux/devices/web01"));
}

TEST_P(StoreTest, OneTransactionAtATimePerStore) {
  auto txn = store_->read();
  EXPECT_THROW(store_->write(), StoreError);
}

TEST_P(StoreTest, ChangesSinceReportsEachCommittedChangeOnceInOrder) {
  std::int64_t t1 = loadSample(*store_);
  Oid web01 = store_->read()->get("/Devices/Server/Linux/devices/web01")->oid;
  ChangeBatch first = store_->changesSince(0);
  EXPECT_EQ(first.cursor, t1);
  EXPECT_EQ(first.changes.size(), store_->read()->count() - 2);  // all but /Monitors(/Performance)
  std::int64_t t2 = 0;
  {
    auto txn = store_->write();
    txn->update("/Devices/Server/Linux/devices/web01", {{"productionState", std::int64_t{300}}});
    txn->update("/Devices/Server/Linux/devices/web01", {{"title", std::string("twice in one tx")}});
    t2 = txn->commit();
  }
  ChangeBatch second = store_->changesSince(first.cursor);
  EXPECT_EQ(second.cursor, t2);
  ASSERT_EQ(second.changes.size(), 1u);  // one entry per (transaction, oid)
  EXPECT_EQ(second.changes[0], (Change{t2, web01, ChangeKind::kUpdated, "/Devices/Server/Linux/devices/web01",
                                       std::string(cls::kDevice), second.changes[0].committedAtMs}));
  EXPECT_TRUE(store_->changesSince(second.cursor).changes.empty());
  EXPECT_EQ(store_->changesSince(second.cursor).cursor, t2);
}

TEST_P(StoreTest, ChangesSincePagesByWholeTransactions) {
  for (int i = 0; i < 5; ++i) {
    auto txn = store_->write();
    txn->put(spec("/Devices", cls::kDeviceClass, "C" + std::to_string(i)));
    txn->put(spec("/Devices/C" + std::to_string(i), cls::kDeviceClass, "Sub"));
    txn->commit();
  }
  ChangeBatch b = store_->changesSince(0, 2);
  EXPECT_EQ(b.cursor, 2);
  EXPECT_TRUE(b.more);
  EXPECT_EQ(b.changes.size(), 4u);
  EXPECT_EQ(allChanges(*store_, 0).size(), 10u);
}

TEST_P(StoreTest, CompactionMakesReadersBehindItResync) {
  for (int i = 0; i < 5; ++i) {
    auto txn = store_->write();
    txn->put(spec("/Devices", cls::kDeviceClass, "C" + std::to_string(i)));
    txn->commit();
  }
  CompactResult r = store_->compactFeed(2);
  EXPECT_EQ(r.compactedThrough, 3);
  EXPECT_EQ(r.entriesDeleted, 3u);
  ChangeBatch behind = store_->changesSince(1);
  EXPECT_TRUE(behind.resyncRequired);
  EXPECT_TRUE(behind.changes.empty());
  EXPECT_EQ(behind.cursor, 5);
  ChangeBatch atEdge = store_->changesSince(3);
  EXPECT_FALSE(atEdge.resyncRequired);
  EXPECT_EQ(atEdge.changes.size(), 2u);
  EXPECT_EQ(store_->compactFeed(2).entriesDeleted, 0u);  // nothing more to drop
}

TEST_P(StoreTest, ACursorFromTheFutureResyncs) {
  loadSample(*store_);
  ChangeBatch b = store_->changesSince(99);
  EXPECT_TRUE(b.resyncRequired);
  EXPECT_EQ(b.cursor, 1);
}

TEST_P(StoreTest, LoadIsAnIdempotentUpsert) {
  loadSample(*store_);
  size_t count = store_->read()->count();
  {
    auto txn = store_->write();
    UpsertStats stats = loadModel(*txn, parseModelYaml(sampleModel(), "sample-model.yaml"));
    EXPECT_EQ(stats.created, 0u);
    EXPECT_EQ(stats.updated, 0u);
    EXPECT_EQ(txn->commit(), 0);
  }
  EXPECT_EQ(store_->read()->count(), count);
}

TEST_P(StoreTest, ExportThenLoadIntoAFreshStoreGivesTheSameModel) {
  loadSample(*store_);
  {
    auto txn = store_->write();
    txn->move("/Devices/Server/Linux/devices/web02", "/Devices/Server/Windows");
    txn->update("/Devices/Ping/devices/printer-3f", {{"zSnmpTimeout", 1.0}, {"note", std::string("123")}});
    txn->commit();
  }
  std::vector<Object> original = store_->read()->all();
  std::string yaml = emitModelYaml(original);
  TestStore fresh(GetParam());
  auto copy = fresh.open();
  {
    auto txn = copy->write();
    loadModel(*txn, parseModelYaml(yaml, "export.yaml"));
    txn->commit();
  }
  std::vector<Object> copied = copy->read()->all();
  ASSERT_EQ(copied.size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(copied[i].path, original[i].path);
    EXPECT_EQ(copied[i].className, original[i].className);
    EXPECT_EQ(copied[i].properties, original[i].properties) << original[i].path;
  }
  EXPECT_EQ(emitModelYaml(copied), yaml);
}

TEST_P(StoreTest, ABadModelIsRejectedWithLocationsAndChangesNothing) {
  loadSample(*store_);
  std::string before = emitModelYaml(store_->read()->all());
  std::string bad =
      "collectors:\n"
      "  localhost: {pingCycleInterval: 30}\n"
      "classes:\n"
      "  /Lab:\n"
      "    zProperties: {zSnmpPort: 1161}\n"
      "  /Ping:\n"
      "    devices:\n"
      "      newdev: {manageIp: 10.9.9.9, perfServer: nosuchcollector}\n";
  try {
    auto txn = store_->write();
    loadModel(*txn, parseModelYaml(bad, "bad.yaml"));
    txn->commit();
    FAIL() << "loaded a bad model";
  } catch (const ModelError& e) {
    std::string all = e.what();
    EXPECT_NE(all.find("bad.yaml:8:7: perfServer 'nosuchcollector' is not a collector"), std::string::npos) << all;
  }
  EXPECT_EQ(emitModelYaml(store_->read()->all()), before);
  EXPECT_EQ(store_->read()->feedCursor(), 1);

  // A path that exists with another class: /Devices/Server/devices/x made a device class.
  {
    auto txn = store_->write();
    txn->upsert({spec("/Devices/Server", cls::kDevice, "x")});
    ObjectSpec clashing = spec("/Devices/Server/devices", cls::kDeviceClass, "x");
    clashing.origin = "clash.yaml:9:9";
    try {
      txn->upsert({clashing});
      FAIL() << "a device class at a device's path was accepted";
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find("clash.yaml:9:9: /Devices/Server/devices/x exists as a Device"),
                std::string::npos)
          << e.what();
    }
  }  // not committed
  EXPECT_EQ(emitModelYaml(store_->read()->all()), before);
}

TEST_P(StoreTest, ZPropertiesResolveByAcquisition) {
  loadSample(*store_);
  auto txn = store_->read();
  auto z = [&](const std::string& path, std::string_view name) {
    auto o = txn->get(path);
    EXPECT_TRUE(o) << path;
    return zProperty(*txn, *o, name);
  };
  // Device override, then class, then parent class, then /Devices, then the built-in default.
  EXPECT_EQ(z("/Devices/Server/Linux/devices/db01", "zSnmpCommunity"), model::Value(std::string("db-secret")));
  EXPECT_EQ(z("/Devices/Network/Router/devices/core-rtr1", "zSnmpCommunity"), model::Value(std::string("netops-ro")));
  EXPECT_EQ(z("/Devices/Server/Linux/devices/web01", "zSnmpCommunity"), model::Value(std::string("public")));
  EXPECT_EQ(z("/Devices/Server/Linux/devices/web01", "zCollectorPlugins")->index(), 4u);
  EXPECT_EQ(std::get<model::StringList>(*z("/Devices/Server/Linux/devices/web01", "zCollectorPlugins")).size(), 6u);
  EXPECT_EQ(z("/Devices/Server/Linux/devices/web01", "zCommandCommandTimeout"), model::Value(15.0));
  EXPECT_EQ(z("/Devices/Server/Linux/devices/web01/os/interfaces/eth0", "zSnmpPort"), model::Value(std::int64_t{161}));
  EXPECT_FALSE(z("/Devices/Server/Linux/devices/web01", "zNoSuchProperty"));
}

TEST_P(StoreTest, MovingADeviceChangesWhatItAcquires) {
  loadSample(*store_);
  {
    auto txn = store_->write();
    txn->move("/Devices/Server/Linux/devices/web01", "/Devices/Network/Router");
    txn->commit();
  }
  auto txn = store_->read();
  auto o = txn->get("/Devices/Network/Router/devices/web01");
  ASSERT_TRUE(o);
  EXPECT_EQ(zProperty(*txn, *o, "zSnmpCommunity"), model::Value(std::string("netops-ro")));
}

TEST_P(StoreTest, DevicesAndComponentsBindTemplatesByNameAndType) {
  loadSample(*store_);
  auto txn = store_->read();
  auto names = [&](const std::string& path) {
    std::vector<std::string> out;
    for (const auto& t : boundTemplates(*txn, *txn->get(path))) out.push_back(t.path);
    return out;
  };
  EXPECT_EQ(names("/Devices/Server/Linux/devices/web01"),
            (std::vector<std::string>{"/Devices/rrdTemplates/Device", "/Devices/Server/Linux/rrdTemplates/Linux"}));
  EXPECT_EQ(names("/Devices/Network/Router/devices/core-rtr1"),
            (std::vector<std::string>{"/Devices/Network/Router/rrdTemplates/Device"}));  // the class's own wins
  EXPECT_EQ(names("/Devices/Server/Linux/devices/web01/os/interfaces/eth0"),
            (std::vector<std::string>{"/Devices/rrdTemplates/ethernetCsmacd"}));
  EXPECT_EQ(names("/Devices/Server/Linux/devices/web01/os/filesystems/root"),
            (std::vector<std::string>{"/Devices/Server/Linux/rrdTemplates/FileSystem"}));
  EXPECT_TRUE(names("/Devices/Server/Linux/devices/web01/os/interfaces/lo").empty());  // softwareLoopback: none
  EXPECT_TRUE(names("/Devices/Ping/devices/printer-3f").empty());                      // zDeviceTemplates: []
}

TEST_P(StoreTest, AGeneratedModelLoads) {
  auto specs = generateModel({300, 7, 42});
  UpsertStats stats;
  {
    auto txn = store_->write();
    stats = loadModel(*txn, specs);
    txn->commit();
  }
  EXPECT_EQ(stats.created + stats.updated, specs.size());
  auto read = store_->read();
  EXPECT_EQ(read->ofClass(cls::kDevice).size(), 300u);
  EXPECT_EQ(read->ofClass(cls::kCollector).size(), 7u);
}

ZENHUB_INSTANTIATE_FOR_BACKEND(StoreTest);

}  // namespace
}  // namespace zenhub::store
