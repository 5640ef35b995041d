// Invalidations under faults: a collector that stops answering (SIGSTOP) is dropped after the
// push timeout and delays nobody else; the PostgreSQL store stopped for 10 s while changes are
// made loses no change, and the hub answers calls meanwhile. Each test starts what it needs (its own PostgreSQL server).
#include <gtest/gtest.h>

#include <csignal>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

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

// PostgreSQL stopped for 10 s while model changes keep coming: changes committed just before the
// stop, changes attempted while it is down (they fail, and the test retries each of them once it
// is back, as an operator would), changes after. Meanwhile the hub stays up and answers calls.
// Afterwards every device's last pushed config is its last committed change, and the outage
// was an event, stored once the store was back.
TEST(InvalidationFaults, PostgresStoppedTenSecondsDuringChangesLosesNoChange) {
  using Clock = std::chrono::steady_clock;
  const auto kOutage = std::chrono::seconds(10);
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
  std::string call = binDir() + "/zenhubctl call --timeout 10 --hub 127.0.0.1:" + std::to_string(hub.port()) +
                     " --password-file " + password + " ";

  const std::vector<std::string> devices = {"web01", "web02", "db01", "build01"};
  auto path = [](const std::string& device) { return "/Devices/Server/Linux/devices/" + device; };
  // An IP as the pushed JSON holds it (quoted: 10.9.0.1 is not 10.9.0.11).
  auto quoted = [](const std::string& ip) { return "\"" + ip + "\""; };
  std::map<std::string, std::string> committed;                 // device -> its last committed IP
  std::vector<std::pair<std::string, std::string>> failed;      // attempted while down, in order
  int serial = 0;
  auto set = [&](const std::string& device, const std::string& ip) {
    return runCommand(ctl + " set " + path(device) + " manageIp=" + ip, &out) == 0;
  };
  // A new IP for `device`; true when it was committed.
  auto change = [&](const std::string& device) {
    ++serial;
    std::string ip = "10.9." + std::to_string(serial / 250) + "." + std::to_string(serial % 250 + 1);
    if (set(device, ip)) {
      committed[device] = ip;
      return true;
    }
    failed.emplace_back(device, ip);
    return false;
  };

  for (const auto& d : devices) ASSERT_TRUE(change(d)) << out;
  for (const auto& d : devices) {
    ASSERT_TRUE(local.waitFor({"updateDeviceConfigs", "\"deviceId\":\"" + d + "\"", quoted(committed[d])}))
        << local.transcript();
  }

  // Changes, then the store goes away before the hub can have read all of them.
  ASSERT_TRUE(change("web01")) << out;
  ASSERT_TRUE(change("web02")) << out;
  pg.down();
  auto downAt = Clock::now();
  // For 10 s: model changes keep being attempted (each fails), and the hub answers calls: its
  // own at once, a worker's (which needs the store) with a result or an error, not a hang.
  int attempts = 0, pings = 0, serviceCalls = 0, serviceErrors = 0;
  for (size_t i = 0; Clock::now() - downAt < kOutage; ++i) {
    EXPECT_FALSE(change(devices[i % devices.size()])) << "a write while the store is down must fail";
    ++attempts;
    EXPECT_EQ(runCommand(call + "Hub ping", &out), 0) << out;
    ++pings;
    auto asked = Clock::now();
    int code = runCommand(call + "PingConfig getDeviceNames", &out);
    ++serviceCalls;
    EXPECT_LT(Clock::now() - asked, std::chrono::seconds(10)) << "a service call hung during the outage";
    if (code != 0) {
      ++serviceErrors;
      EXPECT_NE(out.find("zenhub."), std::string::npos) << "not a typed error: " << out;
    }
    EXPECT_EQ(httpGet(hub.port("status"), "/healthz").status, 200);
    // Pacing between rounds; the hub must not exit meanwhile.
    ASSERT_FALSE(hub.waitExit(std::chrono::milliseconds(300)).has_value()) << hub.log();
  }
  ASSERT_TRUE(hub.waitForLog("event=store_unreachable").has_value()) << hub.log();
  auto outageSeconds = std::chrono::duration<double>(Clock::now() - downAt).count();
  pg.up();
  std::printf("[ info ] outage_s=%.1f attempted_changes=%d pings=%d service_calls=%d service_errors=%d\n",
              outageSeconds, attempts, pings, serviceCalls, serviceErrors);
  EXPECT_GE(attempts, 4);

  // Every change that could not be committed is made again, in order; then one more.
  for (const auto& [device, ip] : failed) {
    ASSERT_TRUE(set(device, ip)) << out;
    committed[device] = ip;
  }
  ASSERT_TRUE(change("db01")) << out;
  auto recovered = hub.waitForLog("event=store_recovered");
  ASSERT_TRUE(recovered.has_value()) << hub.log();
  // Every device's final config reached the collector, and it is the last one pushed for it.
  for (const auto& d : devices) {
    EXPECT_TRUE(local.waitFor({"updateDeviceConfigs", "\"deviceId\":\"" + d + "\"", quoted(committed[d])}))
        << d << " " << committed[d] << "\n" << local.transcript();
  }
  for (const auto& d : devices) {
    auto pushes = local.matching({"updateDeviceConfigs", "\"deviceId\":\"" + d + "\""});
    ASSERT_FALSE(pushes.empty()) << d;
    EXPECT_NE(pushes.back().find(quoted(committed[d])), std::string::npos)
        << d << ": last push is not its last change " << committed[d] << "\n" << pushes.back();
  }
  // The outage was an event, stored once the store was back.
  EXPECT_TRUE(hub.waitForLog("event=hub_events_stored", *recovered).has_value()) << hub.log();
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl events --store " + pg.uri() + " --all --json", &out), 0) << out;
  EXPECT_NE(out.find("The model store is unreachable"), std::string::npos) << out;
  EXPECT_EQ(runCommand(call + "Hub ping", &out), 0) << out;
  if (::testing::Test::HasFailure()) std::cerr << "---- hub log ----\n" << hub.log() << "\n";
}

}  // namespace
}  // namespace zenhub::testing
