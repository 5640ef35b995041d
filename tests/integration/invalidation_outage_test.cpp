// Invalidations under faults: a collector that stops answering (SIGSTOP) is dropped after the
// push timeout and delays nobody else; the PostgreSQL store stopped and restarted while changes
// are made loses no change. Each test starts what it needs (its own PostgreSQL server).
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "hub_process.h"
#include "watch_process.h"

namespace zenhub::testing {
namespace {

const std::string kWeb01 = "/Devices/Server/Linux/devices/web01";
const std::string kScripts = std::string(ZENHUB_SOURCE_DIR) + "/tests/store";

TEST(InvalidationFaults, AStoppedCollectorIsDroppedAfterThePushTimeoutAndDelaysNobody) {
  HubProcess hub("invalidations:\n  push_timeout: 1\n");
  hub.start({"--invalidation-poll-interval", "0.1"});
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  std::string password = hub.dir().write("password", "zenoss\n");
  WatchProcess stuck(hub.port(), "localhost", "PingConfig", password);
  WatchProcess healthy(hub.port(), "localhost", "PingConfig", password);
  ASSERT_TRUE(stuck.waitFor({"\"event\":\"initial\""})) << stuck.transcript();
  ASSERT_TRUE(healthy.waitFor({"\"event\":\"initial\""})) << healthy.transcript();
  stuck.kill(SIGSTOP);
  std::string out;
  for (int i = 1; i <= 3; ++i) {
    std::string ip = "10.1.0." + std::to_string(200 + i);
    ASSERT_EQ(runCommand(binDir() + "/zenhubctl model --store " + hub.storeUri() + " set " + kWeb01 + " manageIp=" + ip,
                         &out),
              0)
        << out;
    // Each push reaches the healthy collector well within the stuck one's timeout.
    EXPECT_TRUE(healthy.waitFor({"updateDeviceConfigs", ip}, 0, std::chrono::milliseconds(900)))
        << ip << "\n" << healthy.transcript();
  }
  EXPECT_TRUE(hub.waitForLog("reason=push_failed").has_value()) << hub.log();
  stuck.kill(SIGCONT);
}

// A PostgreSQL server of the test's own, stopped and reaped with it.
class OwnPostgres {
 public:
  OwnPostgres() {
    std::string out;
    if (runCommand(kScripts + "/pg-start.sh " + state_.path(), &out) != 0) throw std::runtime_error(out);
    std::ifstream in(state_.file("uri"));
    std::getline(in, uri_);
  }
  ~OwnPostgres() { runCommand(kScripts + "/pg-stop.sh " + state_.path()); }
  const std::string& uri() const { return uri_; }
  void down() { ASSERT_EQ(runCommand(kScripts + "/pg-outage.sh " + state_.path() + " down"), 0); }
  void up() { ASSERT_EQ(runCommand(kScripts + "/pg-outage.sh " + state_.path() + " up"), 0); }

 private:
  TempDir state_;
  std::string uri_;
};

TEST(InvalidationFaults, PostgresStoppedAndRestartedDuringChangesLosesNoChange) {
  OwnPostgres pg;
  std::string out;
  std::string ctl = binDir() + "/zenhubctl model --store " + pg.uri();
  ASSERT_EQ(runCommand(ctl + " init", &out), 0) << out;
  ASSERT_EQ(runCommand(ctl + " load " + ZENHUB_SOURCE_DIR + "/config/sample-model.yaml", &out), 0) << out;
  HubProcess hub("invalidations:\n  max_retry_delay: 0.5\n");
  hub.start({"--store", pg.uri(), "--invalidation-poll-interval", "0.2", "--log-level", "debug"});
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  std::string password = hub.dir().write("password", "zenoss\n");
  WatchProcess local(hub.port(), "localhost", "PingConfig", password);
  ASSERT_TRUE(local.waitFor({"\"event\":\"initial\""})) << local.transcript();

  auto set = [&](const std::string& path, const std::string& ip) {
    return runCommand(ctl + " set " + path + " manageIp=" + ip, &out) == 0;
  };
  ASSERT_TRUE(set(kWeb01, "10.1.0.101"));
  ASSERT_TRUE(local.waitFor({"updateDeviceConfigs", "10.1.0.101"})) << local.transcript();

  // Changes, then the store goes away before the hub can have read all of them.
  ASSERT_TRUE(set(kWeb01, "10.1.0.102"));
  ASSERT_TRUE(set("/Devices/Server/Linux/devices/web02", "10.1.0.202"));
  pg.down();
  EXPECT_FALSE(set(kWeb01, "10.1.0.199")) << "a write while the store is down must fail";
  ASSERT_TRUE(hub.waitForLog("event=store_unreachable").has_value()) << hub.log();
  // The hub keeps serving meanwhile.
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl call --hub 127.0.0.1:" + std::to_string(hub.port()) +
                           " --password-file " + password + " Hub ping",
                       &out),
            0)
      << out;
  pg.up();
  ASSERT_TRUE(set("/Devices/Server/Linux/devices/db01", "10.1.0.203"));
  ASSERT_TRUE(hub.waitForLog("event=store_recovered").has_value()) << hub.log();
  // Every device's final config reached the collector.
  EXPECT_TRUE(local.waitFor({"updateDeviceConfigs", "\"deviceId\":\"web01\"", "10.1.0.102"})) << local.transcript();
  EXPECT_TRUE(local.waitFor({"updateDeviceConfigs", "\"deviceId\":\"web02\"", "10.1.0.202"})) << local.transcript();
  EXPECT_TRUE(local.waitFor({"updateDeviceConfigs", "\"deviceId\":\"db01\"", "10.1.0.203"})) << local.transcript();
  EXPECT_TRUE(local.matching({"10.1.0.199"}).empty());
  // The outage was an event, stored once the store was back.
  EXPECT_TRUE(hub.waitForLog("event=hub_events_stored").has_value());
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl events --store " + pg.uri() + " --all --json", &out), 0) << out;
  EXPECT_NE(out.find("The model store is unreachable"), std::string::npos) << out;
  if (::testing::Test::HasFailure()) std::cerr << "---- hub log ----\n" << hub.log() << "\n";
}

}  // namespace
}  // namespace zenhub::testing
