// SnmpConfig on the sample model: connection info from acquired zSnmp* properties, the OIDs of
// device and component templates, thresholds, exclusions; a class change reaching its devices.
// Built for both backends (services_tests: store_sqlite/* and store_pg/*).
#include <gtest/gtest.h>

#include <map>

#include "service_fixture.h"

namespace zenhub::services {
namespace {

using store::testing::Backend;
using testing::configOf;
using testing::deviceIds;
using testing::getConfigs;
using testing::ServiceFixture;

// oid -> (component, datapoint ids)
std::map<std::string, std::pair<std::string, std::vector<std::string>>> oidsOf(
    schema::SnmpDeviceConfig::Reader c) {
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> out;
  for (auto o : c.getOids()) {
    auto& entry = out[std::string(o.getOid()) +
                      (o.getComponent().size() ? "@" + std::string(o.getComponent()) : "")];
    entry.first = o.getComponent();
    for (auto dp : o.getDataPoints()) entry.second.emplace_back(dp.getId());
  }
  return out;
}

std::vector<std::string> thresholdNames(schema::SnmpDeviceConfig::Reader c) {
  std::vector<std::string> out;
  for (auto t : c.getThresholds()) {
    out.push_back(std::string(t.getId()) +
                  (t.getComponent().size() ? "@" + std::string(t.getComponent()) : ""));
  }
  return out;
}

class SnmpConfigTest : public ::testing::TestWithParam<Backend> {
 protected:
  ServiceFixture f_{GetParam()};
  // Held by pointer: a client's destructor may throw, which a fixture's cannot.
  std::unique_ptr<schema::SnmpConfig::Client> client_ =
      std::make_unique<schema::SnmpConfig::Client>(f_.service<schema::SnmpConfig>("SnmpConfig"));
  schema::SnmpConfig::Client& snmp_ = *client_;
};

TEST_P(SnmpConfigTest, LeavesOutSnmpIgnoredDevicesAndOtherCollectors) {
  auto configs = getConfigs(snmp_, f_.waitScope);
  // ad01 (/Server/Windows) and printer-3f (/Ping) have zSnmpMonitorIgnore.
  EXPECT_EQ(deviceIds(configs.getConfigs()),
            (std::vector<std::string>{"core-rtr1", "core-rtr2", "sw-floor1", "build01", "db01",
                                      "web01", "web02"}));
}

TEST_P(SnmpConfigTest, ALinuxServerGetsItsDeviceAndComponentOids) {
  auto configs = getConfigs(snmp_, f_.waitScope, {"web01"});
  ASSERT_EQ(configs.getConfigs().size(), 1u);
  auto web01 = configs.getConfigs()[0];
  EXPECT_EQ(std::string(web01.getConfigId()), "web01");
  auto c = web01.getConfig();
  auto conn = c.getConnection();
  EXPECT_EQ(std::string(conn.getAddress()), "10.1.0.11");
  EXPECT_EQ(std::string(conn.getVersion()), "v2c");
  EXPECT_EQ(std::string(conn.getCommunity()), "public");
  EXPECT_EQ(conn.getPort(), 161);
  EXPECT_EQ(conn.getTimeout(), 2.5);
  EXPECT_EQ(conn.getTries(), 2u);
  EXPECT_EQ(c.getCycleTime(), 300u);

  auto oids = oidsOf(c);
  using Entry = std::pair<std::string, std::vector<std::string>>;
  std::map<std::string, Entry> expected = {
      // Device template (on /Devices) and Linux (on /Server/Linux): zDeviceTemplates [Device,
      // Linux]
      {".1.3.6.1.2.1.1.3.0", {"", {"sysUpTime_sysUpTime"}}},
      {".1.3.6.1.4.1.2021.10.1.5.2", {"", {"laLoadInt5_laLoadInt5"}}},
      {".1.3.6.1.4.1.2021.4.6.0", {"", {"memAvailReal_memAvailReal"}}},
      // eth0 (ifindex 2) binds ethernetCsmacd; lo is not monitored
      {".1.3.6.1.2.1.31.1.1.1.6.2@eth0", {"eth0", {"ifHCInOctets_ifHCInOctets"}}},
      {".1.3.6.1.2.1.31.1.1.1.10.2@eth0", {"eth0", {"ifHCOutOctets_ifHCOutOctets"}}},
      {".1.3.6.1.2.1.2.2.1.14.2@eth0", {"eth0", {"ifInErrors_ifInErrors"}}},
      // file systems bind FileSystem (no index in the sample model)
      {".1.3.6.1.2.1.25.2.3.1.6@root", {"root", {"usedBlocks_usedBlocks"}}},
      {".1.3.6.1.2.1.25.2.3.1.6@var", {"var", {"usedBlocks_usedBlocks"}}},
  };
  EXPECT_EQ(oids, expected);
  EXPECT_EQ(thresholdNames(c), (std::vector<std::string>{"highLoad", "lowMemory", "nearlyFull@root",
                                                         "nearlyFull@var", "inErrors@eth0"}));

  // Datapoint details: type, bounds, tags.
  for (auto o : c.getOids()) {
    if (o.getComponent() != "eth0" || o.getOid() != ".1.3.6.1.2.1.31.1.1.1.6.2") continue;
    auto dp = o.getDataPoints()[0];
    EXPECT_EQ(std::string(dp.getName()), "ifHCInOctets");
    EXPECT_EQ(std::string(dp.getRrdType()), "DERIVE");
    EXPECT_EQ(dp.getMin().getValue(), 0);
    EXPECT_TRUE(dp.getMax().isNone());
    std::map<std::string, std::string> tags;
    for (auto t : dp.getTags()) tags[t.getName()] = t.getValue().getText();
    EXPECT_EQ(tags, (std::map<std::string, std::string>{{"template", "ethernetCsmacd"}}));
  }
  for (auto t : c.getThresholds()) {
    if (t.getId() != "lowMemory") continue;
    EXPECT_EQ(t.getMin().getValue(), 65536);
    EXPECT_TRUE(t.getMax().isNone());
    EXPECT_EQ(t.getSeverity(), 3);
    EXPECT_EQ(std::string(t.getTemplate()), "Linux");
    EXPECT_EQ(std::string(t.getClassName()), "MinMaxThreshold");
  }
}

TEST_P(SnmpConfigTest, ClassTemplatesAndZPropertiesAreAcquired) {
  auto configs = getConfigs(snmp_, f_.waitScope, {"core-rtr1", "db01"});
  auto rtr = configOf(configs.getConfigs(), "core-rtr1").getConfig();
  EXPECT_EQ(std::string(rtr.getConnection().getCommunity()), "netops-ro");  // /Network/Router
  EXPECT_EQ(rtr.getConnection().getTimeout(), 5.0);
  EXPECT_EQ(rtr.getConnection().getTries(), 3u);
  // /Network/Router's own Device template replaces /Devices' one.
  auto oids = oidsOf(rtr);
  ASSERT_TRUE(oids.count(".1.3.6.1.4.1.9.9.109.1.1.1.1.8.1"));
  EXPECT_EQ(oids.count(".1.3.6.1.4.1.2021.10.1.5.2"), 0u);
  EXPECT_EQ(oids.count(".1.3.6.1.2.1.31.1.1.1.6.3@Gi0-2"), 1u);
  EXPECT_EQ(thresholdNames(rtr)[0], "cpuHigh");
  auto db01 = configOf(configs.getConfigs(), "db01").getConfig();
  EXPECT_EQ(std::string(db01.getConnection().getCommunity()), "db-secret");  // the device's own
}

TEST_P(SnmpConfigTest, AClassChangeReachesItsDevices) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Network", {{"zSnmpPort", std::int64_t{1161}}});
    txn.update("/Devices/Network/Router", {{"zSnmpCommunity", std::string("rotated")}});
  });
  auto configs = getConfigs(snmp_, f_.waitScope, {"core-rtr1", "core-rtr2", "sw-floor1", "web01"});
  for (const char* id : {"core-rtr1", "core-rtr2"}) {
    auto conn = configOf(configs.getConfigs(), id).getConfig().getConnection();
    EXPECT_EQ(std::string(conn.getCommunity()), "rotated") << id;
    EXPECT_EQ(conn.getPort(), 1161) << id;
  }
  auto sw = configOf(configs.getConfigs(), "sw-floor1").getConfig().getConnection();
  EXPECT_EQ(std::string(sw.getCommunity()), "netops-ro");  // /Network/Switch sets its own
  EXPECT_EQ(sw.getPort(), 1161);
  EXPECT_EQ(configOf(configs.getConfigs(), "web01").getConfig().getConnection().getPort(), 161);
}

TEST_P(SnmpConfigTest, V3ConnectionsCarryUserAuthAndPrivacyNotCommunity) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/web02",
               {{"zSnmpVer", std::string("v3")},
                {"zSnmpSecurityName", std::string("monitor")},
                {"zSnmpAuthType", std::string("SHA")},
                {"zSnmpAuthPassword", std::string("authpass")},
                {"zSnmpPrivType", std::string("AES")},
                {"zSnmpPrivPassword", std::string("privpass")}});
  });
  auto reply = getConfigs(snmp_, f_.waitScope, {"web02"});  // owns what readers point to
  auto conn = reply.getConfigs()[0].getConfig().getConnection();
  EXPECT_EQ(std::string(conn.getVersion()), "v3");
  EXPECT_EQ(std::string(conn.getSecurityName()), "monitor");
  EXPECT_EQ(std::string(conn.getAuthProtocol()), "SHA");
  EXPECT_EQ(std::string(conn.getAuthPassphrase()), "authpass");
  EXPECT_EQ(std::string(conn.getPrivProtocol()), "AES");
  EXPECT_EQ(std::string(conn.getPrivPassphrase()), "privpass");
  EXPECT_EQ(std::string(conn.getCommunity()), "");
}

TEST_P(SnmpConfigTest, ExclusionsAndCycleFollowTheModel) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/web02", {{"zSnmpMonitorIgnore", true}});
    txn.update("/Devices/Server/Linux/devices/build01", {{"manageIp", std::string("")}});
    txn.update("/Devices/Server/Linux", {{"zSnmpCollectionInterval", std::int64_t{120}}});
  });
  auto configs = getConfigs(snmp_, f_.waitScope, {"web01", "web02", "build01", "core-rtr1"});
  EXPECT_EQ(deviceIds(configs.getConfigs()), (std::vector<std::string>{"core-rtr1", "web01"}));
  EXPECT_EQ(configOf(configs.getConfigs(), "web01").getConfig().getCycleTime(), 120u);
  EXPECT_EQ(configOf(configs.getConfigs(), "core-rtr1").getConfig().getCycleTime(), 300u);
}

TEST_P(SnmpConfigTest, AComponentWithItsOwnAddressGetsItsOwnConfig) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/db01/os/interfaces/eth1",
               {{"manageIp", std::string("192.168.50.21")}});
  });
  auto configs = getConfigs(snmp_, f_.waitScope, {"db01"});
  ASSERT_EQ(configs.getConfigs().size(), 2u);
  EXPECT_EQ(std::string(configs.getConfigs()[0].getConfigId()), "db01");
  auto own = configs.getConfigs()[1];
  EXPECT_EQ(std::string(own.getConfigId()), "db01_192.168.50.21");
  EXPECT_EQ(std::string(own.getDeviceId()), "db01");
  EXPECT_EQ(std::string(own.getConfig().getConnection().getAddress()), "192.168.50.21");
  for (auto o : own.getConfig().getOids()) EXPECT_EQ(std::string(o.getComponent()), "eth1");
  for (auto o : configs.getConfigs()[0].getConfig().getOids())
    EXPECT_NE(std::string(o.getComponent()), "eth1");
}

TEST_P(SnmpConfigTest, NamedDevicesAreFoundAfterTheyMove) {
  EXPECT_EQ(getConfigs(snmp_, f_.waitScope, {"web02"}).getConfigs().size(), 1u);
  f_.change([](store::WriteTransaction& txn) {
    txn.move("/Devices/Server/Linux/devices/web02", "/Devices/Network/Switch");
  });
  auto configs = getConfigs(snmp_, f_.waitScope, {"web02"});
  ASSERT_EQ(configs.getConfigs().size(), 1u);
  EXPECT_EQ(std::string(configs.getConfigs()[0].getConfig().getConnection().getCommunity()),
            "netops-ro");
}

ZENHUB_INSTANTIATE_FOR_BACKEND(SnmpConfigTest);

}  // namespace
}  // namespace zenhub::services
