// A collector's full calls (getDeviceConfigs and getDeviceNames without names, the modeler's
// getDeviceListByMonitor and getDeviceConfig) read only that collector's devices, from the
// store's collector index, and their components in batches. They must answer exactly what the
// full scan of the model answered before. That answer is still there to compare with: a call
// naming every device of the model reads them all and keeps the monitor's (select()). Checked
// for every config service and collector on the sample model, and on a generated model after
// devices moved between collectors and classes, lost their collector or left production.
// Built for both backends (services_tests: store_sqlite/* and store_pg/*).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "service_fixture.h"
#include "store/model_generator.h"
#include "store/model_loader.h"

namespace zenhub::services {
namespace {

using store::testing::Backend;
using testing::getConfigs;
using testing::ServiceFixture;
using testing::texts;

// Every device id of the model, and the collectors' names plus one nobody has.
std::vector<std::string> allDeviceIds(store::Store& store) {
  auto txn = store.read();
  std::set<std::string> ids;
  for (const auto& d : txn->ofClass(model::cls::kDevice)) ids.insert(d.id);
  return {ids.begin(), ids.end()};
}
std::vector<std::string> monitors(store::Store& store) {
  auto txn = store.read();
  std::vector<std::string> out{"nosuch-but-known"};
  for (const auto& c : txn->ofClass(model::cls::kCollector)) out.push_back(c.id);
  return out;
}

// The configs as text, in order.
template <typename List>
std::vector<std::string> rendered(List configs) {
  std::vector<std::string> out;
  for (auto c : configs) out.emplace_back(kj::str(c).cStr());
  return out;
}

// The full call's configs equal those of the call naming every device; its device names are
// the monitor's devices that the service selects (a device may be selected and yet have no
// config: SnmpConfig without OIDs). Returns how many configs the full call gave.
template <typename Service>
size_t expectFullCallAsBefore(ServiceFixture& f, const std::string& service,
                              const std::string& monitor,
                              const std::vector<std::string>& everyDevice,
                              const testing::Options& options = {}) {
  auto client = f.service<Service>(service, monitor, options);
  auto full = getConfigs(client, f.waitScope);
  auto named = getConfigs(client, f.waitScope, everyDevice);
  auto got = rendered(full.getConfigs());
  EXPECT_EQ(got, rendered(named.getConfigs())) << service << " for " << monitor;
  auto names = client.getDeviceNamesRequest().send().wait(f.waitScope);
  std::set<std::string> selected;
  for (auto n : names.getNames()) selected.emplace(n);
  EXPECT_EQ(selected.size(), names.getNames().size()) << service << " for " << monitor;
  for (auto c : full.getConfigs()) {
    EXPECT_TRUE(selected.count(c.getDeviceId()))
        << service << " for " << monitor << ": " << c.getDeviceId().cStr();
  }
  // Every selected device is the monitor's: the same rule as the index.
  auto txn = f.store->read();
  for (const auto& d : txn->ofClass(model::cls::kDevice)) {
    if (selected.count(d.id) != 0) {
      EXPECT_EQ(model::getString(d.properties, "perfServer"), monitor) << d.path;
    }
  }
  return got.size();
}

// Every config service, for every collector.
size_t expectEveryFullCallAsBefore(ServiceFixture& f, const testing::Options& options = {}) {
  auto every = allDeviceIds(*f.store);
  size_t configs = 0;
  for (const auto& monitor : monitors(*f.store)) {
    if (monitor == "nosuch-but-known") continue;
    configs += expectFullCallAsBefore<schema::PingConfig>(f, "PingConfig", monitor, every, options);
    configs += expectFullCallAsBefore<schema::SnmpConfig>(f, "SnmpConfig", monitor, every, options);
    configs +=
        expectFullCallAsBefore<schema::CommandConfig>(f, "CommandConfig", monitor, every, options);
    configs +=
        expectFullCallAsBefore<schema::ProcessConfig>(f, "ProcessConfig", monitor, every, options);
    configs +=
        expectFullCallAsBefore<schema::StatusConfig>(f, "StatusConfig", monitor, every, options);
  }
  return configs;
}

// The modeler's full calls: the device list is the old scan's, written out; the full
// getDeviceConfig equals the one naming exactly those devices.
void expectModelerAsBefore(ServiceFixture& f) {
  for (const auto& monitor : monitors(*f.store)) {
    std::vector<std::string> expected;
    {
      auto txn = f.store->read();
      for (const auto& d : txn->ofClass(model::cls::kDevice)) {
        if (model::getString(d.properties, "perfServer") == monitor) expected.push_back(d.id);
      }
    }
    auto modeler = f.service<schema::ModelerService>("ModelerService", monitor);
    auto list = modeler.getDeviceListByMonitorRequest();
    list.setMonitor(monitor);
    EXPECT_EQ(texts(list.send().wait(f.waitScope).getDevices()), expected) << monitor;
    for (bool checkStatus : {false, true}) {
      auto full = modeler.getDeviceConfigRequest();
      full.setCheckStatus(checkStatus);
      auto named = modeler.getDeviceConfigRequest();
      named.setCheckStatus(checkStatus);
      auto names = named.initNames(static_cast<unsigned>(expected.size()));
      for (unsigned i = 0; i < expected.size(); ++i) names.set(i, expected[i]);
      EXPECT_EQ(rendered(full.send().wait(f.waitScope).getDevices()),
                rendered(named.send().wait(f.waitScope).getDevices()))
          << monitor;
    }
  }
}

class CollectorDevicesTest : public ::testing::TestWithParam<Backend> {};

TEST_P(CollectorDevicesTest, FullCallsOnTheSampleModelAnswerAsTheFullScanDid) {
  ServiceFixture f(GetParam());
  EXPECT_GT(expectEveryFullCallAsBefore(f), 20u);
  expectModelerAsBefore(f);
  // A listener that takes part of the devices (workers / workerId) gets its part of them.
  expectEveryFullCallAsBefore(f, {{"workers", "2"}, {"workerId", "1"}});
}

TEST_P(CollectorDevicesTest, FullCallsOnAGeneratedModelAnswerAsTheFullScanDidAfterDevicesMove) {
  ServiceFixture f(GetParam(), false);
  store::GeneratorOptions generator;
  generator.devices = 400;  // about 100 per collector: components read in batches
  generator.collectors = 4;
  f.change([&](store::WriteTransaction& txn) {
    store::loadModel(txn, store::generateModel(generator));
  });
  EXPECT_GT(expectEveryFullCallAsBefore(f), 400u);

  std::vector<std::string> paths;
  {
    auto txn = f.store->read();
    for (const auto& d : txn->ofClass(model::cls::kDevice)) paths.push_back(d.path);
  }
  f.change([&](store::WriteTransaction& txn) {
    txn.put({"/Devices", std::string(model::cls::kDeviceClass), "Moved", {}, "", false});
    for (size_t i = 0; i < paths.size(); i += 7) {
      txn.update(paths[i], {{"perfServer", std::string("collector003")}});  // another collector
    }
    for (size_t i = 1; i < paths.size(); i += 31) txn.update(paths[i], {}, {"perfServer"});  // none
    for (size_t i = 2; i < paths.size(); i += 13) {
      txn.update(paths[i], {{"productionState", std::int64_t{-1}}});  // out of production
    }
    for (size_t i = 4; i < paths.size(); i += 29) txn.remove(paths[i]);
    for (size_t i = 3; i < paths.size(); i += 11) {
      if (i % 29 != 4) txn.move(paths[i], "/Devices/Moved");  // another class (if not removed)
    }
  });
  expectEveryFullCallAsBefore(f);
  expectModelerAsBefore(f);

  // A device that moved to another collector is in its new collector's full answer only.
  std::string moved = paths[0].substr(paths[0].rfind('/') + 1);
  for (const auto& monitor : monitors(*f.store)) {
    auto modeler = f.service<schema::ModelerService>("ModelerService", monitor);
    auto list = modeler.getDeviceListByMonitorRequest();
    list.setMonitor(monitor);
    auto names = texts(list.send().wait(f.waitScope).getDevices());
    bool has = std::find(names.begin(), names.end(), moved) != names.end();
    EXPECT_EQ(has, monitor == "collector003") << monitor;
  }
}

ZENHUB_INSTANTIATE_FOR_BACKEND(CollectorDevicesTest);

}  // namespace
}  // namespace zenhub::services
