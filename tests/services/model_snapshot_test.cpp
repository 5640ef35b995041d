// ModelSnapshot: the bulk reader's device lookup, acquisition and template binding.
#include "services/model_snapshot.h"

#include <gtest/gtest.h>

#include "service_fixture.h"

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

}  // namespace
}  // namespace zenhub::services
