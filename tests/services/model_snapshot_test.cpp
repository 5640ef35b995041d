// ModelSnapshot: the bulk reader's device lookup, acquisition and template binding.
#include "services/model_snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "service_fixture.h"
#include "store/model_generator.h"
#include "store/model_loader.h"

namespace zenhub::services {
namespace {

using testing::ServiceFixture;

std::vector<std::string> ids(const std::vector<const Object*>& objects) {
  std::vector<std::string> out;
  for (const Object* o : objects) out.push_back(o->id);
  return out;
}

TEST(ModelSnapshotTest, NamedDevicesThroughTheCacheAndAfterAMiss) {
  ServiceFixture f;
  DevicePaths paths;
  {
    auto txn = f.store->read();
    ModelSnapshot model(*txn);
    model.loadDevices({"web01"}, paths);  // a miss: reads every device once
    EXPECT_EQ(ids(model.devices()), std::vector<std::string>{"web01"});
    EXPECT_EQ(paths.size(), 13u);
  }
  paths.erase("db01");
  {
    auto txn = f.store->read();
    ModelSnapshot model(*txn);
    model.loadDevices({"web02", "db01", "nosuch"}, paths);  // web02 cached, db01 not
    EXPECT_EQ(ids(model.devices()), (std::vector<std::string>{"db01", "web02"}));
    EXPECT_EQ(paths.size(), 13u);  // every device remembered again, the cached one too
    EXPECT_EQ(paths.at("web02"), "/Devices/Server/Linux/devices/web02");
  }
}

TEST(ModelSnapshotTest, AcquisitionBindingAndProduction) {
  ServiceFixture f;
  auto txn = f.store->read();
  ModelSnapshot model(*txn);
  model.loadAllDevices();
  model.loadComponents(model.devices());
  const Object& rtr = *model.device("branch-rtr");
  EXPECT_EQ(model.zString(rtr, "zSnmpCommunity"), "branch-ro");  // the device's own
  EXPECT_EQ(model.zInt(rtr, "zSnmpTries", 0), 3);                // /Network/Router
  EXPECT_EQ(model.zNumber(rtr, "zSnmpTimeout", 0), 5.0);
  EXPECT_EQ(model.zInt(rtr, "zCommandPort", 0), 22);  // /Devices
  EXPECT_FALSE(model.zProperty(rtr, "zNoSuchProperty"));
  EXPECT_EQ(model.deviceClassName(rtr), "/Network/Router");
  auto templates = model.boundTemplates(rtr);
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0]->path, "/Devices/Network/Router/rrdTemplates/Device");
  // A component acquires from its device; Se0-0's type template (propPointToPointSerial) exists
  // nowhere, so it binds nothing.
  for (const Object* c : model.components(rtr)) {
    EXPECT_EQ(model.zString(*c, "zSnmpCommunity"), "branch-ro");
    EXPECT_EQ(model.boundTemplates(*c).size(), c->id == "Se0-0" ? 0u : 1u) << c->id;
  }
  EXPECT_TRUE(model.inProduction(*model.device("sw-branch")));  // 300 >= 300
}

TEST(ModelSnapshotTest, ACollectorsDevicesAreThoseTheFullScanKept) {
  ServiceFixture f;
  f.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/web02", {{"perfServer", std::string("remote1")}});
    txn.update("/Devices/Server/Linux/devices/db01", {}, {"perfServer"});
  });
  for (const auto& collector : std::vector<std::string>{"localhost", "remote1", "nosuch"}) {
    std::vector<std::string> expected;  // the rule services applied to every device
    {
      auto txn = f.store->read();
      ModelSnapshot all(*txn);
      all.loadAllDevices();
      for (const Object* d : all.devices()) {
        if (model::getString(d->properties, "perfServer") == collector) expected.push_back(d->id);
      }
    }
    DevicePaths paths{{"elsewhere", "/Devices/devices/elsewhere"}};
    auto txn = f.store->read();
    ModelSnapshot model(*txn);
    model.loadCollectorDevices(collector, &paths);
    EXPECT_EQ(ids(model.devices()), expected) << collector;
    EXPECT_EQ(paths.size(), expected.size() + 1) << collector;  // others' entries stay
    for (const Object* d : model.devices()) EXPECT_EQ(paths.at(d->id), d->path);
    for (const auto& id : expected) EXPECT_EQ(model.device(id)->id, id);
  }
}

// The components loadComponents reads, in batches of devices or one device at a time, are what
// the store has below each device: what reading each component class whole and keeping the
// devices' gave before.
TEST(ModelSnapshotTest, ComponentsInBatchesAreEachDevicesOwn) {
  ServiceFixture f(store::testing::Backend::kSqlite, false);
  store::GeneratorOptions generator;
  generator.devices = 300;
  generator.collectors = 2;
  f.change([&](store::WriteTransaction& txn) { store::loadModel(txn, store::generateModel(generator)); });
  auto txn = f.store->read();
  std::map<Oid, std::vector<std::string>> expected;  // device -> its components' paths
  for (auto className : {model::cls::kInterface, model::cls::kFileSystem, model::cls::kProcess,
                         model::cls::kIpService}) {
    for (const auto& c : txn->ofClass(className)) expected[c.parent].push_back(c.path);
  }
  for (auto& [device, list] : expected) std::sort(list.begin(), list.end());
  for (size_t count : {size_t{3}, size_t{16}, size_t{17}, size_t{300}}) {
    ModelSnapshot model(*txn);
    model.loadAllDevices();
    std::vector<const Object*> devices(model.devices().begin(),
                                       model.devices().begin() + static_cast<long>(count));
    model.loadComponents(devices);
    size_t components = 0;
    for (const Object* d : model.devices()) {
      std::vector<std::string> got;
      for (const Object* c : model.components(*d)) {
        got.push_back(c->path);
        EXPECT_EQ(model.deviceOf(*c), d);
      }
      bool loaded = std::find(devices.begin(), devices.end(), d) != devices.end();
      EXPECT_EQ(got, loaded ? expected[d->oid] : std::vector<std::string>{}) << d->path;
      components += got.size();
    }
    EXPECT_GE(components, count) << count;
  }
}

}  // namespace
}  // namespace zenhub::services
