// ProcessConfig and StatusConfig on the sample model.
#include <gtest/gtest.h>

#include "service_fixture.h"

namespace zenhub::services {
namespace {

using testing::configOf;
using testing::deviceIds;
using testing::getConfigs;
using testing::ServiceFixture;

TEST(ProcessConfigTest, ProcessesWithRegexesOnSnmpMonitoredDevices) {
  ServiceFixture f;
  auto process = f.service<schema::ProcessConfig>("ProcessConfig");
  auto configs = getConfigs(process, f.waitScope);
  // ad01 has no processes and no SNMP; build01 and the network devices have no processes.
  EXPECT_EQ(deviceIds(configs.getConfigs()), (std::vector<std::string>{"db01", "web01", "web02"}));
  auto web01 = configOf(configs.getConfigs(), "web01").getConfig();
  EXPECT_EQ(web01.getCycleTime(), 180u);
  EXPECT_EQ(std::string(web01.getConnection().getCommunity()), "public");
  EXPECT_EQ(std::string(web01.getConnection().getAddress()), "10.1.0.11");
  ASSERT_EQ(web01.getProcesses().size(), 2u);
  auto nginx = web01.getProcesses()[0];
  EXPECT_EQ(std::string(nginx.getId()), "nginx");
  EXPECT_EQ(std::string(nginx.getName()), "nginx");
  EXPECT_EQ(std::string(nginx.getMatchRegex()), "^nginx: master process");
  EXPECT_FALSE(nginx.getIgnoreParameters());
  ASSERT_EQ(nginx.getDataPoints().size(), 1u);
  EXPECT_EQ(std::string(nginx.getDataPoints()[0].getId()), "cpu_cpu");

  auto remote = f.service<schema::ProcessConfig>("ProcessConfig", "remote1");
  auto branch = getConfigs(remote, f.waitScope);
  ASSERT_EQ(deviceIds(branch.getConfigs()), std::vector<std::string>{"branch-fs01"});
  EXPECT_EQ(branch.getConfigs()[0].getConfig().getCycleTime(), 300u);
}

TEST(ProcessConfigTest, DevicesWithoutSnmpMonitoringAreLeftOut) {
  ServiceFixture f;
  f.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/web02", {{"zSnmpMonitorIgnore", true}});
    txn.update("/Devices/Server/Linux/devices/db01/os/processes/postgres", {{"monitor", false}});
  });
  auto process = f.service<schema::ProcessConfig>("ProcessConfig");
  EXPECT_EQ(deviceIds(getConfigs(process, f.waitScope).getConfigs()),
            std::vector<std::string>{"web01"});
}

TEST(StatusConfigTest, IpServicesToCheck) {
  ServiceFixture f;
  auto status = f.service<schema::StatusConfig>("StatusConfig");
  auto configs = getConfigs(status, f.waitScope);
  EXPECT_EQ(deviceIds(configs.getConfigs()),
            (std::vector<std::string>{"db01", "web01", "web02", "ad01"}));
  auto web01 = configOf(configs.getConfigs(), "web01").getConfig();
  EXPECT_EQ(web01.getCycleTime(), 60u);
  ASSERT_EQ(web01.getChecks().size(), 2u);
  auto http = web01.getChecks()[0];
  EXPECT_EQ(std::string(http.getComponent()), "tcp_00080");
  EXPECT_EQ(std::string(http.getAddress()), "10.1.0.11");  // listens on 0.0.0.0: the manage IP
  EXPECT_EQ(http.getPort(), 80);
  EXPECT_EQ(std::string(http.getProtocol()), "tcp");
  EXPECT_EQ(http.getTimeout(), 10.0);
  EXPECT_EQ(http.getFailSeverity(), 5);
  auto ad01 = configOf(configs.getConfigs(), "ad01").getConfig();
  ASSERT_EQ(ad01.getChecks().size(), 2u);
  EXPECT_EQ(std::string(ad01.getChecks()[1].getProtocol()), "udp");
  EXPECT_EQ(ad01.getChecks()[1].getPort(), 53);
}

TEST(StatusConfigTest, SendExpectTimeoutAndSeverityFromTheModel) {
  ServiceFixture f;
  f.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/web02/os/ipservices/tcp_00080",
               {{"sendString", std::string("GET / HTTP/1.0\r\n\r\n")},
                {"expectRegex", std::string("^HTTP/1")},
                {"failSeverity", std::int64_t{4}}});
    txn.update("/Devices/Server", {{"zStatusConnectTimeout", 3.5}});
    txn.update("/Devices/Server/Linux/devices/web01/os/ipservices/tcp_00443", {{"monitor", false}});
  });
  auto status = f.service<schema::StatusConfig>("StatusConfig");
  auto configs = getConfigs(status, f.waitScope, {"web01", "web02"});
  auto check = configOf(configs.getConfigs(), "web02").getConfig().getChecks()[0];
  EXPECT_EQ(std::string(check.getSendString()), "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(std::string(check.getExpectRegex()), "^HTTP/1");
  EXPECT_EQ(check.getFailSeverity(), 4);
  EXPECT_EQ(check.getTimeout(), 3.5);
  EXPECT_EQ(configOf(configs.getConfigs(), "web01").getConfig().getChecks().size(), 1u);
}

}  // namespace
}  // namespace zenhub::services
