// The planner on a real SQLite store loaded with the sample model: each transform, moved and
// deleted devices, and the filters, from real change-feed entries.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hub/invalidation/planner.h"
#include "hub_process.h"
#include "store/model_loader.h"
#include "store/model_yaml.h"

namespace zenhub::hub::invalidation {
namespace {

using Devices = std::map<std::string, DeviceAction>;
constexpr auto U = DeviceAction::kUpdate;
constexpr auto D = DeviceAction::kDelete;
const std::string kLinux = "/Devices/Server/Linux";
const std::string kWeb01 = "/Devices/Server/Linux/devices/web01";

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::OpenOptions options;
    options.create = true;
    store_ = store::openStore("sqlite://" + dir_.file("model.db"), options);
    std::ifstream in(std::string(ZENHUB_SOURCE_DIR) + "/config/sample-model.yaml");
    std::stringstream text;
    text << in.rdbuf();
    auto txn = store_->write();
    store::loadModel(*txn, store::parseModelYaml(text.str(), "sample-model.yaml"));
    txn->commit();
    auto snapshot = store_->read();
    cursor_ = buildIndex(*snapshot, index_);
  }

  Plan next() {
    auto batch = store_->changesSince(cursor_);
    cursor_ = batch.cursor;
    auto snapshot = store_->read();
    ObjectReader reader = [&](model::Oid oid) { return snapshot->getByOid(oid); };
    return planChanges(batch.changes, reader, index_, filters_);
  }
  void set(const std::string& path, const std::string& key, model::Value value) {
    auto txn = store_->write();
    txn->update(path, {{key, std::move(value)}});
    txn->commit();
  }
  // Every device at or below `path`, by collector, from the store itself.
  std::map<std::string, Devices> devicesBelow(const std::string& path, DeviceAction action) {
    std::map<std::string, Devices> out;
    auto snapshot = store_->read();
    for (const auto& o : snapshot->subtree(path)) {
      if (o.className != model::cls::kDevice) continue;
      out[*model::getString(o.properties, "perfServer")][o.id] = action;
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  DeviceIndex index_;
  FilterChain filters_;
  store::Cursor cursor_ = 0;
};

TEST_F(PlannerTest, IndexKnowsEveryDeviceAndItsCollector) {
  auto snapshot = store_->read();
  EXPECT_EQ(index_.size(), snapshot->ofClass(model::cls::kDevice).size());
  auto web01 = index_.byOid(snapshot->get(kWeb01)->oid);
  ASSERT_TRUE(web01);
  EXPECT_EQ(web01->id, "web01");
  EXPECT_EQ(web01->collector, "localhost");
  EXPECT_EQ(index_.containing(kWeb01 + "/os/interfaces/eth0")->id, "web01");
  EXPECT_FALSE(index_.containing(kLinux + "/rrdTemplates/Linux"));
}

TEST_F(PlannerTest, ADevicesZPropertyIsThatDeviceOnItsCollectorOnly) {
  set(kWeb01, "zSnmpCommunity", std::string("s3cret"));
  Plan plan = next();
  EXPECT_EQ(plan.devices, (std::map<std::string, Devices>{{"localhost", {{"web01", U}}}}));
  EXPECT_EQ(plan.counts.oidsSeen, 1u);
  EXPECT_GT(plan.oldestCommitMs, 0);
  EXPECT_TRUE(plan.collectorsChanged.empty());
  EXPECT_FALSE(plan.resync);
}

TEST_F(PlannerTest, AComponentChangeIsItsDevicesChange) {
  set(kWeb01 + "/os/interfaces/eth0", "speed", int64_t{100});
  set(kWeb01 + "/os/processes/nginx", "regex", std::string("nginx"));
  Plan plan = next();
  EXPECT_EQ(plan.devices, (std::map<std::string, Devices>{{"localhost", {{"web01", U}}}}));
  EXPECT_EQ(plan.counts.oidsTransformed, 2u);
}

TEST_F(PlannerTest, AClassZPropertyIsEveryDeviceBelowTheClass) {
  set(kLinux, "zSnmpCommunity", std::string("linux-secret"));
  Plan plan = next();
  auto expected = devicesBelow(kLinux, U);
  ASSERT_EQ(expected.size(), 2u) << "the sample model has Linux devices on both collectors";
  EXPECT_EQ(plan.devices, expected);
  // Nothing outside the class.
  for (const auto& [collector, devices] : devicesBelow("/Devices/Server/Windows", U)) {
    for (const auto& [device, action] : devices) EXPECT_EQ(plan.devices[collector].count(device), 0u) << device;
  }
}

TEST_F(PlannerTest, AClassTemplateDataSourceIsEveryDeviceBelowTheClass) {
  auto snapshot = store_->read();
  auto datasources = snapshot->children(snapshot->get(kLinux + "/rrdTemplates/Linux")->oid);
  ASSERT_FALSE(datasources.empty());
  snapshot.reset();
  set(datasources.front().path, "cycletime", int64_t{60});
  EXPECT_EQ(next().devices, devicesBelow(kLinux, U));
}

TEST_F(PlannerTest, AThresholdAlsoChangesTheThresholdClassesOfTheCollectorsConcerned) {
  set("/Devices/rrdTemplates/ethernetCsmacd/thresholds/inErrors", "maxval", 20.0);
  Plan plan = next();
  EXPECT_EQ(plan.devices, devicesBelow("/Devices", U));
  EXPECT_EQ(plan.thresholdCollectors, (std::set<std::string>{"localhost", "remote1"}));
}

TEST_F(PlannerTest, ACollectorChangeIsSetPropertyItemsAndItsDevices) {
  set("/Monitors/Performance/remote1", "pingCycleInterval", int64_t{30});
  Plan plan = next();
  EXPECT_EQ(plan.collectorsChanged, std::set<std::string>{"remote1"});
  ASSERT_EQ(plan.devices.size(), 1u);
  EXPECT_EQ(plan.devices.begin()->first, "remote1");
  EXPECT_EQ(plan.devices["remote1"], devicesBelow("/Devices", U)["remote1"]);
}

TEST_F(PlannerTest, ADeviceMovedToAnotherCollectorIsDeletedFromTheOldOne) {
  set(kWeb01, "perfServer", std::string("remote1"));
  Plan plan = next();
  EXPECT_EQ(plan.devices,
            (std::map<std::string, Devices>{{"localhost", {{"web01", D}}}, {"remote1", {{"web01", U}}}}));
  // The index follows: the next change of web01 concerns remote1 only.
  set(kWeb01, "zSnmpCommunity", std::string("x"));
  EXPECT_EQ(next().devices, (std::map<std::string, Devices>{{"remote1", {{"web01", U}}}}));
}

TEST_F(PlannerTest, ADeletedDeviceIsADeleteAndItsComponentsNothingMore) {
  {
    auto txn = store_->write();
    EXPECT_GT(txn->remove(kWeb01), 5u);
    txn->commit();
  }
  Plan plan = next();
  EXPECT_EQ(plan.devices, (std::map<std::string, Devices>{{"localhost", {{"web01", D}}}}));
  EXPECT_FALSE(index_.containing(kWeb01));
  // Already gone: deleting its class later says nothing about it.
  EXPECT_GT(plan.counts.oidsSeen, 5u);
}

TEST_F(PlannerTest, ADeviceMovedToAnotherClassFollowsThatClass) {
  {
    auto txn = store_->write();
    txn->move(kWeb01, "/Devices/Server/Windows");
    txn->commit();
  }
  EXPECT_EQ(next().devices, (std::map<std::string, Devices>{{"localhost", {{"web01", U}}}}));
  set("/Devices/Server/Windows", "zSnmpCommunity", std::string("win"));
  EXPECT_EQ(next().devices["localhost"].count("web01"), 1u);
  set(kLinux, "zSnmpCommunity", std::string("linux"));
  EXPECT_EQ(next().devices["localhost"].count("web01"), 0u);
}

TEST_F(PlannerTest, ANewDeviceIsAnUpdateForItsCollector) {
  {
    auto txn = store_->write();
    store::ObjectSpec spec;
    spec.parentPath = "/Devices/Server/Linux";
    spec.className = model::cls::kDevice;
    spec.id = "web09";
    spec.properties = {{"perfServer", std::string("remote1")}, {"manageIp", std::string("10.9.0.9")}};
    txn->put(spec);
    txn->commit();
  }
  EXPECT_EQ(next().devices, (std::map<std::string, Devices>{{"remote1", {{"web09", U}}}}));
}

TEST_F(PlannerTest, FilteredChangesAreCountedAndDropped) {
  filters_ = FilterChain(std::vector<FilterRule>{FilterRule{"no-linux", 1, false, {}, kLinux}});
  set(kLinux, "zSnmpCommunity", std::string("ignored"));
  set(kWeb01 + "/os/interfaces/eth0", "speed", int64_t{1});
  set("/Devices/Server/Windows", "zSnmpCommunity", std::string("win"));
  Plan plan = next();
  EXPECT_EQ(plan.counts.oidsSeen, 3u);
  EXPECT_EQ(plan.counts.oidsFiltered, 2u);
  EXPECT_EQ(plan.devices, devicesBelow("/Devices/Server/Windows", U));
}

TEST(TemplateOwner, IsTheClassOrDeviceAboveTheTemplate) {
  EXPECT_EQ(*templateOwner("/Devices/Server/rrdTemplates/Linux/datasources/x"), "/Devices/Server");
  EXPECT_EQ(*templateOwner("/Devices/rrdTemplates/Device"), "/Devices");
  EXPECT_FALSE(templateOwner("/Devices/Server/devices/web01/os/interfaces/eth0"));
}

}  // namespace
}  // namespace zenhub::hub::invalidation
