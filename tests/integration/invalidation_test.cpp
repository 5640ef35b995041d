// Invalidations end to end: the real hub, its workers, a SQLite store changed by `zenhubctl
// model`, and real `zenhubctl watch` collectors. A change reaches exactly the collectors
// concerned. "Not received" is checked after a later push to the same collector: pushes to one
// listener arrive in order, so what was not there before it never comes.
#include <gtest/gtest.h>

#include <csignal>

#include "hub_process.h"
#include "watch_process.h"

namespace zenhub::testing {
namespace {

const std::string kWeb01 = "/Devices/Server/Linux/devices/web01";
const std::string kBranch = "/Devices/Server/Linux/devices/branch-fs01";

class InvalidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.start({"--invalidation-poll-interval", "0.2"});
    ASSERT_TRUE(hub_.waitReady()) << hub_.log();
    ASSERT_TRUE(hub_.waitForLog("event=invalidations_started").has_value()) << hub_.log();
    password_ = hub_.dir().write("password", "zenoss\n");
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- hub log ----\n" << hub_.log() << "\n";
  }

  std::unique_ptr<WatchProcess> watch(const std::string& monitor, const std::string& service) {
    auto w = std::make_unique<WatchProcess>(hub_.port(), monitor, service, password_);
    EXPECT_TRUE(w->waitFor({"\"event\":\"initial\""}).has_value()) << w->transcript();
    return w;
  }
  void model(const std::string& args) {
    std::string out;
    ASSERT_EQ(runCommand(binDir() + "/zenhubctl model --store " + hub_.storeUri() + " " + args, &out), 0) << out;
  }
  int ctl(const std::string& args, std::string* out) {
    return runCommand(binDir() + "/zenhubctl " + args + " --hub 127.0.0.1:" + std::to_string(hub_.port()) +
                          " --password-file " + password_,
                      out);
  }

  HubProcess hub_;
  std::string password_;
};

TEST_F(InvalidationTest, ADevicesChangeIsPushedToItsCollectorOnly) {
  auto local = watch("localhost", "PingConfig");
  auto remote = watch("remote1", "PingConfig");
  size_t from = local->lines().size();
  model("set " + kWeb01 + " manageIp=10.1.0.99");
  auto pushed = local->waitFor({"updateDeviceConfigs", "\"deviceId\":\"web01\"", "10.1.0.99"}, from);
  ASSERT_TRUE(pushed) << local->transcript();
  // Only web01 was pushed to localhost.
  EXPECT_EQ(local->lines()[*pushed].find("web02"), std::string::npos) << local->lines()[*pushed];
  // A later change on remote1's device reaches remote1; web01 never did.
  model("set " + kBranch + " manageIp=10.2.0.99");
  ASSERT_TRUE(remote->waitFor({"updateDeviceConfigs", "branch-fs01", "10.2.0.99"})) << remote->transcript();
  EXPECT_TRUE(remote->matching({"web01"}).empty()) << remote->transcript();
  EXPECT_TRUE(local->matching({"branch-fs01"}).empty()) << local->transcript();
}

TEST_F(InvalidationTest, AClassChangeIsPushedForEveryDeviceBelowIt) {
  auto local = watch("localhost", "SnmpConfig");
  auto remote = watch("remote1", "SnmpConfig");
  model("set /Devices/Server/Linux zSnmpCommunity=linux-community");
  for (const char* device : {"web01", "web02", "db01", "build01"}) {
    // db01 overrides the community itself: its config is pushed all the same.
    ASSERT_TRUE(local->waitFor({"updateDeviceConfigs", std::string("\"deviceId\":\"") + device + "\""}))
        << device << "\n" << local->transcript();
  }
  ASSERT_TRUE(local->waitFor({"updateDeviceConfigs", "\"deviceId\":\"web01\"", "linux-community"}));
  ASSERT_TRUE(remote->waitFor({"updateDeviceConfigs", "\"deviceId\":\"branch-fs01\"", "linux-community"}))
      << remote->transcript();
  // Devices of other classes were not pushed.
  EXPECT_TRUE(local->matching({"updateDeviceConfigs", "linux-community", "\"deviceId\":\"router"}).empty());
}

TEST_F(InvalidationTest, AMovedDeviceIsDeletedFromItsOldCollectorAndPushedToTheNewOne) {
  auto local = watch("localhost", "PingConfig");
  auto remote = watch("remote1", "PingConfig");
  model("set " + kWeb01 + " perfServer=remote1");
  EXPECT_TRUE(local->waitFor({"deleteDevices", "\"web01\""})) << local->transcript();
  EXPECT_TRUE(remote->waitFor({"updateDeviceConfigs", "\"deviceId\":\"web01\""})) << remote->transcript();
}

TEST_F(InvalidationTest, ADeletedDeviceIsDeletedFromItsCollector) {
  auto local = watch("localhost", "PingConfig");
  model("rm /Devices/Server/Linux/devices/web02");
  EXPECT_TRUE(local->waitFor({"deleteDevices", "\"web02\""})) << local->transcript();
}

TEST_F(InvalidationTest, ACollectorChangeSetsItsPropertyItemsAndItsDevicesCycle) {
  auto local = watch("localhost", "PingConfig");
  auto remote = watch("remote1", "PingConfig");
  model("set /Monitors/Performance/remote1 pingCycleInterval=30");
  EXPECT_TRUE(remote->waitFor({"setPropertyItems", "pingCycleInterval"})) << remote->transcript();
  EXPECT_TRUE(remote->waitFor({"updateDeviceConfigs", "branch-fs01", "\"cycleTime\":30"})) << remote->transcript();
  model("set " + kWeb01 + " manageIp=10.1.0.98");
  ASSERT_TRUE(local->waitFor({"updateDeviceConfigs", "10.1.0.98"})) << local->transcript();
  EXPECT_TRUE(local->matching({"setPropertyItems"}).empty()) << local->transcript();
}

TEST_F(InvalidationTest, ACollectorThatDisconnectsMidPushDoesNotDisturbTheOthers) {
  auto first = watch("localhost", "SnmpConfig");
  auto doomed = watch("localhost", "SnmpConfig");
  auto last = watch("localhost", "PingConfig");
  // A class change with many devices, and the doomed collector gone while it is pushed.
  model("set /Devices zSnmpCommunity=everyone");
  doomed->kill(SIGKILL);
  model("set " + kWeb01 + " manageIp=10.1.0.97");
  EXPECT_TRUE(first->waitFor({"updateDeviceConfigs", "10.1.0.97"})) << first->transcript();
  EXPECT_TRUE(last->waitFor({"updateDeviceConfigs", "10.1.0.97"})) << last->transcript();
  EXPECT_TRUE(first->waitFor({"updateDeviceConfigs", "everyone"})) << first->transcript();
  EXPECT_TRUE(hub_.waitForLog("event=listener_removed service=SnmpConfig monitor=localhost").has_value());
}

TEST_F(InvalidationTest, PausedChangesWaitAndResumeDeliversThemWithAnEventEachTime) {
  auto local = watch("localhost", "PingConfig");
  std::string out;
  ASSERT_EQ(ctl("invalidations pause", &out), 0) << out;
  EXPECT_NE(out.find("invalidations paused"), std::string::npos) << out;
  ASSERT_EQ(ctl("invalidations pause", &out), 0) << out;
  EXPECT_NE(out.find("already so"), std::string::npos) << out;
  model("set " + kWeb01 + " manageIp=10.1.0.96");
  ASSERT_EQ(ctl("invalidations status --json", &out), 0) << out;
  EXPECT_NE(out.find("\"paused\":true"), std::string::npos) << out;
  // While paused the feed is not read: the cursor does not move past the change.
  ASSERT_TRUE(hub_.waitForLog("event=hub_event class=/App/Zenhub/Invalidations key=invalidations_paused severity=3"));
  ASSERT_EQ(ctl("invalidations resume", &out), 0) << out;
  EXPECT_TRUE(local->waitFor({"updateDeviceConfigs", "10.1.0.96"})) << local->transcript();
  // Both events are in the store: the pause opened one, the resume closed it.
  auto resumed = hub_.waitForLog("key=invalidations_paused severity=0");
  ASSERT_TRUE(resumed);
  ASSERT_TRUE(hub_.waitForLog("event=hub_events_stored", *resumed)) << "the resume event was not stored";
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl events --store " + hub_.storeUri() + " --all --json", &out), 0) << out;
  EXPECT_NE(out.find("Invalidation processing resumed by admin@"), std::string::npos) << out;
  EXPECT_NE(out.find("/App/Zenhub/Invalidations"), std::string::npos) << out;
}

TEST_F(InvalidationTest, AFeedCompactedPastTheHubsCursorMakesEveryListenerReRead) {
  auto local = watch("localhost", "PingConfig");
  auto remote = watch("remote1", "SnmpConfig");
  std::string out;
  // Paused, the hub's cursor stays where it is while the model changes and the feed is compacted.
  ASSERT_EQ(ctl("invalidations pause", &out), 0) << out;
  model("set " + kWeb01 + " manageIp=10.1.0.51");
  model("set " + kWeb01 + " manageIp=10.1.0.52");
  model("set " + kWeb01 + " manageIp=10.1.0.53");
  model("compact --keep 1");
  ASSERT_EQ(ctl("invalidations resume", &out), 0) << out;
  // Changes may have been missed: nobody gets a partial update, everybody re-reads.
  EXPECT_TRUE(local->waitFor({"\"event\":\"notifyConfigChanged\""})) << local->transcript();
  EXPECT_TRUE(remote->waitFor({"\"event\":\"notifyConfigChanged\""})) << remote->transcript();
  EXPECT_TRUE(hub_.waitForLog("event=invalidations_resync").has_value());
  // And the hub goes on from the new cursor.
  model("set " + kWeb01 + " manageIp=10.1.0.54");
  EXPECT_TRUE(local->waitFor({"updateDeviceConfigs", "10.1.0.54"})) << local->transcript();
}

}  // namespace
}  // namespace zenhub::testing

namespace zenhub::testing {
namespace {

// Pauses and restarts: a pause survives a restart only when keep_pause says so.
std::string statusAfterPauseAndRestart(bool keepPause) {
  TempDir state;
  std::string config = std::string("invalidations:\n  keep_pause: ") + (keepPause ? "true" : "false") + "\n";
  HubProcess first(config);
  first.start({"--state-dir", state.path()});
  EXPECT_TRUE(first.waitReady()) << first.log();
  std::string password = first.dir().write("password", "zenoss\n");
  auto ctl = [&](HubProcess& hub, const std::string& action) {
    std::string out;
    EXPECT_EQ(runCommand(binDir() + "/zenhubctl invalidations " + action + " --hub 127.0.0.1:" +
                             std::to_string(hub.port()) + " --password-file " + password,
                         &out),
              0)
        << out;
    return out;
  };
  ctl(first, "pause");
  first.signal(SIGTERM);
  EXPECT_EQ(first.waitExit(), 0);
  HubProcess second(config);
  second.start({"--state-dir", state.path(), "--store", first.storeUri()});
  EXPECT_TRUE(second.waitReady()) << second.log();
  return ctl(second, "status --json");
}

TEST(InvalidationPause, DoesNotSurviveARestartByDefault) {
  EXPECT_NE(statusAfterPauseAndRestart(false).find("\"paused\":false"), std::string::npos);
}

TEST(InvalidationPause, SurvivesARestartWhenKeepPauseIsSet) {
  EXPECT_NE(statusAfterPauseAndRestart(true).find("\"paused\":true"), std::string::npos);
}

}  // namespace
}  // namespace zenhub::testing
