// PingConfig on the sample model: which devices, which addresses, cycle and tries.
#include <gtest/gtest.h>

#include "service_fixture.h"

namespace zenhub::services {
namespace {

using testing::configOf;
using testing::deviceIds;
using testing::getConfigs;
using testing::ServiceFixture;
using testing::texts;

class PingConfigTest : public ::testing::Test {
 protected:
  ServiceFixture f_;
  // Held by pointer: a client's destructor may throw, which a fixture's cannot.
  std::unique_ptr<schema::PingConfig::Client> client_ =
      std::make_unique<schema::PingConfig::Client>(f_.service<schema::PingConfig>("PingConfig"));
  schema::PingConfig::Client& ping_ = *client_;
};

TEST_F(PingConfigTest, ReturnsTheMonitorsDevicesOnly) {
  auto names = ping_.getDeviceNamesRequest().send().wait(f_.waitScope);
  std::vector<std::string> expected = {"core-rtr1",  "core-rtr2", "sw-floor1",
                                       "printer-3f", "build01",   "db01",
                                       "web01",      "web02",     "ad01"};
  EXPECT_EQ(texts(names.getNames()), expected);
  auto configs = getConfigs(ping_, f_.waitScope);
  EXPECT_EQ(deviceIds(configs.getConfigs()), expected);
}

TEST_F(PingConfigTest, ManageIpAndInterfaceAddressesSkippingLoopback) {
  auto configs = getConfigs(ping_, f_.waitScope, {"web01", "db01"});
  ASSERT_EQ(configs.getConfigs().size(), 2u);
  auto web01 = configOf(configs.getConfigs(), "web01");
  EXPECT_EQ(std::string(web01.getConfigId()), "web01");
  EXPECT_EQ(std::string(web01.getManageIp()), "10.1.0.11");
  auto ips = web01.getConfig().getMonitoredIps();
  ASSERT_EQ(ips.size(), 1u);  // lo (127.0.0.1) is skipped; eth0 holds the manage IP
  EXPECT_EQ(std::string(ips[0].getAddress()), "10.1.0.11");
  EXPECT_EQ(std::string(ips[0].getInterface()), "eth0");
  EXPECT_EQ(ips[0].getIpVersion(), 4);
  EXPECT_EQ(ips[0].getCycleTime(), 60u);
  EXPECT_EQ(ips[0].getTries(), 2u);
  EXPECT_EQ(ips[0].getSampleSize(), 1u);
  EXPECT_EQ(texts(web01.getConfig().getConnectedIps()), std::vector<std::string>{"10.1.0.11"});

  auto db01 = configOf(configs.getConfigs(), "db01");
  auto dbIps = db01.getConfig().getMonitoredIps();
  ASSERT_EQ(dbIps.size(), 2u);
  EXPECT_EQ(std::string(dbIps[0].getAddress()), "10.1.0.21");
  EXPECT_EQ(std::string(dbIps[1].getAddress()), "192.168.50.21");
  EXPECT_EQ(std::string(dbIps[1].getInterface()), "eth1");
}

TEST_F(PingConfigTest, CycleComesFromTheCollectorAndIgnoredDevicesAreLeftOut) {
  auto remote = f_.service<schema::PingConfig>("PingConfig", "remote1");
  auto configs = getConfigs(remote, f_.waitScope);
  // ups-branch has zPingMonitorIgnore.
  EXPECT_EQ(deviceIds(configs.getConfigs()),
            (std::vector<std::string>{"branch-rtr", "sw-branch", "branch-fs01"}));
  for (auto c : configs.getConfigs())
    EXPECT_EQ(c.getConfig().getMonitoredIps()[0].getCycleTime(), 120u);
}

TEST_F(PingConfigTest, ADeviceOfAnotherCollectorIsNeverReturned) {
  auto configs = getConfigs(ping_, f_.waitScope, {"branch-fs01", "web02", "no-such-device"});
  EXPECT_EQ(deviceIds(configs.getConfigs()), std::vector<std::string>{"web02"});
}

TEST_F(PingConfigTest, DevicesWithoutManageIpOrBelowProductionThresholdAreLeftOut) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Ping/devices/printer-3f", {{"manageIp", std::string("")}});
    txn.update("/Devices/Server/Linux/devices/build01", {{"productionState", std::int64_t{100}}});
  });
  auto configs = getConfigs(ping_, f_.waitScope, {"printer-3f", "build01", "web01"});
  EXPECT_EQ(deviceIds(configs.getConfigs()), std::vector<std::string>{"web01"});
}

TEST_F(PingConfigTest, PingDatasourcesGiveDatapointsAndThresholds) {
  f_.change([](store::WriteTransaction& txn) {
    std::string tmpl = "/Devices/rrdTemplates/Device";
    txn.put({tmpl,
             "RRDDataSource",
             "ping",
             {{"type", std::string("PING")}, {"cycletime", std::int64_t{60}}},
             "",
             false});
    txn.put({tmpl + "/datasources/ping",
             "RRDDataPoint",
             "rtt",
             {{"rrdtype", std::string("GAUGE")}},
             "",
             false});
    txn.put({tmpl,
             "MinMaxThreshold",
             "slowPing",
             {{"dsnames", model::StringList{"ping_rtt"}},
              {"maxval", std::int64_t{500}},
              {"severity", std::int64_t{3}}},
             "",
             false});
    txn.update("/Monitors/Performance/localhost", {{"pingTries", std::int64_t{4}}});
  });
  auto configs = getConfigs(ping_, f_.waitScope, {"web01"});
  auto ip = configs.getConfigs()[0].getConfig().getMonitoredIps()[0];
  ASSERT_EQ(ip.getDataPoints().size(), 1u);
  EXPECT_EQ(std::string(ip.getDataPoints()[0].getId()), "ping_rtt");
  ASSERT_EQ(ip.getThresholds().size(), 1u);
  EXPECT_EQ(std::string(ip.getThresholds()[0].getId()), "slowPing");
  EXPECT_EQ(ip.getThresholds()[0].getMax().getValue(), 500);
  EXPECT_EQ(ip.getTries(), 4u);
}

}  // namespace
}  // namespace zenhub::services
