// The store's reads for services that must not read the whole model: devicesOfCollector (the
// devices of one collector, from the collector column and index of schema version 3, which every
// write keeps) and childrenOf (the children of many parents, in batches). Each is checked
// against the full scan it replaces, on the sample model and on a generated one, after every
// kind of write that changes which collector a device has. Built once per backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "store/model_generator.h"
#include "store/model_loader.h"
#include "store/model_yaml.h"
#include "store/sqlite_database.h"
#include "store/store_uri.h"
#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::Backend;
using testing::TestStore;
using testing::spec;
using testing::sampleModel;
namespace cls = model::cls;

// The rule services applied before the index, written out: every device of the model, kept when
// its perfServer is the collector's name.
std::vector<Object> scanned(ReadTransaction& txn, const std::string& collector) {
  std::vector<Object> out;
  for (auto& d : txn.ofClass(cls::kDevice)) {
    if (model::getString(d.properties, "perfServer") == collector) out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> pathsOf(const std::vector<Object>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) out.push_back(o.path);
  return out;
}

// For every collector of the model, every perfServer any device names, and a few names nobody
// has: devicesOfCollector returns exactly the objects the full scan finds, in the same order.
// Returns how many devices some collector has.
size_t expectSameAsScan(ReadTransaction& txn) {
  std::set<std::string> names = {"", "nosuch", "LOCALHOST"};
  for (const auto& c : txn.ofClass(cls::kCollector)) names.insert(c.id);
  size_t withCollector = 0;
  for (const auto& d : txn.ofClass(cls::kDevice)) {
    if (auto name = model::getString(d.properties, "perfServer")) {
      names.insert(*name);
      ++withCollector;
    }
  }
  size_t found = 0;
  for (const auto& name : names) {
    auto indexed = txn.devicesOfCollector(name);
    auto expected = scanned(txn, name);
    EXPECT_EQ(pathsOf(indexed), pathsOf(expected)) << "collector '" << name << "'";
    EXPECT_TRUE(indexed == expected) << "collector '" << name << "': same paths, other contents";
    found += indexed.size();
  }
  EXPECT_EQ(found, withCollector);
  return found;
}

size_t expectSameAsScan(Store& store) {
  auto txn = store.read();
  return expectSameAsScan(*txn);
}

class CollectorIndexTest : public ::testing::TestWithParam<Backend> {
 protected:
  void load(const std::vector<ObjectSpec>& specs) {
    auto txn = store_->write();
    loadModel(*txn, specs);
    txn->commit();
  }
  // The generated model's devices, by path, with their specs.
  std::vector<ObjectSpec> generated(std::int64_t devices, std::int64_t collectors) {
    GeneratorOptions options;
    options.devices = devices;
    options.collectors = collectors;
    return generateModel(options);
  }
  std::vector<std::string> devicePaths() {
    auto txn = store_->read();
    return pathsOf(txn->ofClass(cls::kDevice));
  }

  TestStore test_{GetParam()};
  std::unique_ptr<Store> store_ = test_.open();
};

TEST_P(CollectorIndexTest, OnTheSampleModelTheDevicesOfACollectorAreThoseTheFullScanFinds) {
  load(parseModelYaml(sampleModel(), "sample-model.yaml"));
  EXPECT_EQ(expectSameAsScan(*store_), 13u);
  auto txn = store_->read();
  EXPECT_FALSE(txn->devicesOfCollector("localhost").empty());
  EXPECT_FALSE(txn->devicesOfCollector("remote1").empty());
}

TEST_P(CollectorIndexTest, EveryWriteThatChangesADevicesCollectorKeepsTheIndexRight) {
  auto specs = generated(600, 7);
  load(specs);
  EXPECT_EQ(expectSameAsScan(*store_), 600u);
  auto paths = devicePaths();
  ASSERT_EQ(paths.size(), 600u);

  // `set perfServer=...` (a device moved to another collector) and `set -u perfServer`.
  {
    auto txn = store_->write();
    for (size_t i = 0; i < paths.size(); i += 10) {
      txn->update(paths[i], {{"perfServer", std::string("collector003")}});
    }
    for (size_t i = 5; i < paths.size(); i += 50) txn->update(paths[i], {}, {"perfServer"});
    // Visible to the writer's own reads before the commit.
    expectSameAsScan(*txn);
    txn->commit();
  }
  EXPECT_EQ(expectSameAsScan(*store_), 600u - 12u);
  // Moved to another class (path and parent change, collector stays), and removed.
  {
    auto txn = store_->write();
    txn->put(spec("/Devices", cls::kDeviceClass, "Moved"));
    for (size_t i = 1; i < paths.size(); i += 25) txn->move(paths[i], "/Devices/Moved");
    for (size_t i = 2; i < paths.size(); i += 100) txn->remove(paths[i]);
    txn->commit();
  }
  EXPECT_EQ(expectSameAsScan(*store_), 600u - 12u - 6u);
  // put() over existing devices: with another perfServer, and without one.
  {
    auto txn = store_->write();
    txn->put(
        spec("/Devices/Moved", cls::kDevice, "newdev", {{"perfServer", std::string("localhost")}}));
    for (size_t i = 3; i < 60; i += 10) {
      auto d = txn->get(paths[i]);
      ASSERT_TRUE(d);
      Properties props = d->properties;
      props["perfServer"] = std::string(i % 20 == 3 ? "collector002" : "collector005");
      std::string parent = paths[i].substr(0, paths[i].rfind("/devices/"));
      txn->put(spec(parent, cls::kDevice, d->id, props));
    }
    auto d = txn->get(paths[7]);
    std::string parent = paths[7].substr(0, paths[7].rfind("/devices/"));
    txn->put(spec(parent, cls::kDevice, d->id, {{"manageIp", std::string("10.9.9.9")}}));
    txn->commit();
  }
  EXPECT_EQ(expectSameAsScan(*store_), 600u - 12u - 6u + 1u - 1u);
  // A reload of the generated file with other collectors: the bulk upsert's update path (a big
  // load) and its insert path (new devices), then a small load (looked up one by one).
  for (auto& s : specs) {
    if (s.className == cls::kDevice && s.id.back() == '7')
      s.properties["perfServer"] = std::string("collector004");
  }
  for (int i = 0; i < 40; ++i) {
    specs.push_back(spec("/Devices", cls::kDevice, "added" + std::to_string(i),
                         {{"perfServer", std::string(i % 2 ? "localhost" : "collector006")}}));
  }
  load(specs);
  expectSameAsScan(*store_);
  load({spec("/Devices", cls::kDevice, "added1", {{"perfServer", std::string("collector002")}}),
        spec("/Devices", cls::kDevice, "added2", {}),
        spec("/Devices", cls::kDevice, "small", {{"perfServer", std::string("collector002")}})});
  expectSameAsScan(*store_);
  auto txn = store_->read();
  auto two = pathsOf(txn->devicesOfCollector("collector002"));
  EXPECT_NE(std::find(two.begin(), two.end(), "/Devices/devices/added1"), two.end());
  EXPECT_NE(std::find(two.begin(), two.end(), "/Devices/devices/small"), two.end());
  for (const auto& d : txn->devicesOfCollector("collector006")) EXPECT_NE(d.id, "added2");
}

TEST_P(CollectorIndexTest, OnlyADeviceWithAStringPerfServerHasACollector) {
  load(parseModelYaml(sampleModel(), "sample-model.yaml"));
  {
    auto txn = store_->write();
    // Not devices, with a perfServer property all the same.
    txn->put(
        spec("/Devices", cls::kDeviceClass, "Odd", {{"perfServer", std::string("localhost")}}));
    txn->put(spec("/Devices/Server/Linux/devices/web01", cls::kInterface, "eth9",
                  {{"perfServer", std::string("localhost")}}));
    // Devices whose perfServer is not a string (the store does not check types: the loader and
    // `set` do), an empty one, one with quotes and a non-ASCII name.
    txn->put(spec("/Devices/Odd", cls::kDevice, "number", {{"perfServer", std::int64_t{5}}}));
    txn->put(spec("/Devices/Odd", cls::kDevice, "list",
                  {{"perfServer", model::StringList{"localhost"}}}));
    txn->put(spec("/Devices/Odd", cls::kDevice, "empty", {{"perfServer", std::string()}}));
    txn->put(
        spec("/Devices/Odd", cls::kDevice, "quoted", {{"perfServer", std::string("col \"é\"")}}));
    txn->commit();
  }
  expectSameAsScan(*store_);
  auto txn = store_->read();
  for (const auto& d : txn->devicesOfCollector("localhost")) EXPECT_EQ(d.className, cls::kDevice);
  EXPECT_TRUE(txn->devicesOfCollector("5").empty());
  EXPECT_EQ(pathsOf(txn->devicesOfCollector("")),
            std::vector<std::string>{"/Devices/Odd/devices/empty"});
  EXPECT_EQ(pathsOf(txn->devicesOfCollector("col \"é\"")),
            std::vector<std::string>{"/Devices/Odd/devices/quoted"});
}

TEST_P(CollectorIndexTest, TheCollectorQueryIsAnsweredFromTheIndex) {
  load(generated(200, 4));
  const std::string sql =
      "SELECT oid FROM objects WHERE collector = 'localhost' AND class = 'Device' ORDER BY path";
  if (GetParam() == Backend::kSqlite) {
    StoreUri uri = parseStoreUri(test_.uri());
    SqliteDatabase db(test_.uri(), uri.location, false, 1000);
    SqlResult plan = db.query("EXPLAIN QUERY PLAN " + sql, {});
    std::string text;
    for (size_t i = 0; i < plan.rows(); ++i) text += plan.text(i, 3) + "\n";
    EXPECT_NE(text.find("objects_collector"), std::string::npos) << text;
  } else {
    // A table this small may be cheaper to scan: ask whether the index can answer at all.
    std::string plan = testing::postgresQuery(
        test_.uri(), "SET enable_seqscan = off; EXPLAIN (FORMAT JSON) " + sql);
    EXPECT_NE(plan.find("objects_collector"), std::string::npos) << plan;
  }
}

TEST_P(CollectorIndexTest, ChildrenOfManyParentsAreEachParentsChildren) {
  load(generated(1500, 3));
  auto txn = store_->read();
  std::vector<Oid> parents;
  for (const auto& d : txn->ofClass(cls::kDevice)) parents.push_back(d.oid);
  ASSERT_GT(parents.size(), 1024u + 128u);       // crosses batches of every size
  parents.push_back(txn->get("/Devices")->oid);  // a class: its subclasses and templates
  parents.push_back(987654321);                  // no such object
  parents.push_back(parents.front());            // twice
  for (size_t n : {size_t{0}, size_t{1}, size_t{17}, size_t{129}, parents.size()}) {
    std::vector<Oid> some(parents.end() - static_cast<long>(n), parents.end());
    // Each parent's children once, by parent oid, each parent's by path.
    std::vector<Object> expected;
    for (Oid p : std::set<Oid>(some.begin(), some.end())) {
      for (auto& c : txn->children(p)) expected.push_back(std::move(c));
    }
    auto got = txn->childrenOf(some);
    EXPECT_EQ(pathsOf(got), pathsOf(expected)) << n << " parents";
    EXPECT_TRUE(got == expected) << n << " parents";
    if (n == parents.size()) {
      EXPECT_GT(got.size(), 3 * 1500u);  // a few components per device
    }
  }
}

ZENHUB_INSTANTIATE_FOR_BACKEND(CollectorIndexTest);

}  // namespace
}  // namespace zenhub::store
