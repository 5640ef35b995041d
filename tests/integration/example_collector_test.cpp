// The minimal collector of docs/collector-protocol.md (examples/minimal_collector.cpp) against a
// real hub: it logs in, gets its configs, and prints the push a model change causes.
#include <gtest/gtest.h>

#include "hub_process.h"
#include "watch_process.h"

namespace zenhub::testing {
namespace {

TEST(ExampleCollector, LogsInReadsItsConfigsAndReceivesAPush) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  WatchProcess collector({binDir() + "/minimal_collector", "127.0.0.1:" + std::to_string(hub.port()), "admin",
                          "zenoss", "localhost", "1"});
  ASSERT_TRUE(collector.waitFor({"logged in to localhost"})) << collector.transcript();
  ASSERT_TRUE(collector.waitFor({"config web01 10.1.0.11"})) << collector.transcript();
  auto listening = collector.waitFor({"listening"});
  ASSERT_TRUE(listening) << collector.transcript();
  std::string out;
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl model --store " + hub.storeUri() +
                           " set /Devices/Server/Linux/devices/web01 manageIp=10.1.0.77",
                       &out),
            0)
      << out;
  EXPECT_TRUE(collector.waitFor({"push: updateDeviceConfigs web01 10.1.0.77"}, *listening)) << collector.transcript();
}

TEST(ExampleCollector, AWrongPasswordIsATypedError) {
  HubProcess hub("login_failure_delay: 0.05\n");
  hub.start();
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  std::string out;
  EXPECT_EQ(runCommand(binDir() + "/minimal_collector 127.0.0.1:" + std::to_string(hub.port()) +
                           " admin wrong localhost 1",
                       &out),
            1);
  EXPECT_NE(out.find("zenhub.authFailed"), std::string::npos) << out;
}

}  // namespace
}  // namespace zenhub::testing
