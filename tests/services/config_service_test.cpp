// What every config service shares: the collector's properties, threshold classes, collector
// thresholds, and the per-listener device split.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "service_fixture.h"
#include "services/listener_options.h"

namespace zenhub::services {
namespace {

using testing::deviceIds;
using testing::getConfigs;
using testing::ServiceFixture;
using testing::texts;

TEST(ConfigServiceTest, ConfigPropertiesAreTheCollectorsPropertyItems) {
  ServiceFixture f;
  auto snmp = f.service<schema::SnmpConfig>("SnmpConfig", "remote1");
  auto reply =
      snmp.getConfigPropertiesRequest().send().wait(f.waitScope);  // owns what readers point to
  auto items = reply.getItems();
  std::map<std::string, std::string> got;
  for (auto item : items) {
    auto v = item.getValue();
    got[item.getName()] = v.isInt() ? std::to_string(v.getInt()) : std::string(v.getText());
  }
  EXPECT_EQ(got["pingCycleInterval"], "120");
  EXPECT_EQ(got["processCycleInterval"], "300");
  EXPECT_EQ(got["description"], "Collector in the branch office");
  EXPECT_EQ(got.size(), 6u);
}

TEST(ConfigServiceTest, ThresholdClassesAndCollectorThresholds) {
  ServiceFixture f;
  auto ping = f.service<schema::PingConfig>("PingConfig");
  auto classes = ping.getThresholdClassesRequest().send().wait(f.waitScope);
  EXPECT_EQ(texts(classes.getClasses()), std::vector<std::string>{"MinMaxThreshold"});
  EXPECT_EQ(ping.getCollectorThresholdsRequest().send().wait(f.waitScope).getThresholds().size(),
            0u);

  f.change([](store::WriteTransaction& txn) {
    txn.put({"/Devices", "RRDTemplate", "PerformanceConf", {}, "", false});
    txn.put({"/Devices/rrdTemplates/PerformanceConf",
             "MinMaxThreshold",
             "queueTooLong",
             {{"dsnames", model::StringList{"zenperfsnmp_queued"}}, {"maxval", std::int64_t{1000}}},
             "",
             false});
  });
  auto reply = ping.getCollectorThresholdsRequest().send().wait(f.waitScope);
  auto thresholds = reply.getThresholds();
  ASSERT_EQ(thresholds.size(), 1u);
  EXPECT_EQ(std::string(thresholds[0].getId()), "queueTooLong");
  EXPECT_EQ(thresholds[0].getMax().getValue(), 1000);
  EXPECT_EQ(std::string(thresholds[0].getTemplate()), "PerformanceConf");
}

TEST(ConfigServiceTest, WorkerOptionsSplitTheDevicesBetweenListeners) {
  ServiceFixture f;
  auto all =
      deviceIds(getConfigs(f.service<schema::PingConfig>("PingConfig"), f.waitScope).getConfigs());
  std::multiset<std::string> seen;
  for (int id = 0; id < 2; ++id) {
    auto share = f.service<schema::PingConfig>(
        "PingConfig", "localhost", {{"workers", "2"}, {"workerId", std::to_string(id)}});
    auto names = texts(share.getDeviceNamesRequest().send().wait(f.waitScope).getNames());
    auto configs = deviceIds(getConfigs(share, f.waitScope).getConfigs());
    EXPECT_EQ(names, configs);
    EXPECT_LT(configs.size(), all.size());
    seen.insert(configs.begin(), configs.end());
    for (const auto& name : configs)
      EXPECT_TRUE(ListenerOptions::parse("x", {{"workers", "2"}, {"workerId", std::to_string(id)}})
                      .takes(name));
  }
  EXPECT_EQ(seen, std::multiset<std::string>(all.begin(), all.end()));
}

TEST(ConfigServiceTest, EachCallReadsAFreshSnapshot) {
  ServiceFixture f;
  auto ping = f.service<schema::PingConfig>("PingConfig");
  EXPECT_EQ(getConfigs(ping, f.waitScope, {"web01"}).getConfigs().size(), 1u);
  f.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/web01", {{"perfServer", std::string("remote1")}});
  });
  EXPECT_EQ(getConfigs(ping, f.waitScope, {"web01"}).getConfigs().size(), 0u);
  f.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server", {{"zPingMonitorIgnore", true}});
  });
  auto names = texts(ping.getDeviceNamesRequest().send().wait(f.waitScope).getNames());
  EXPECT_EQ(names, (std::vector<std::string>{"core-rtr1", "core-rtr2", "sw-floor1", "printer-3f"}));
}

}  // namespace
}  // namespace zenhub::services
