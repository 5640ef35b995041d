// Counters across restarts with the real hub: calls, events, invalidation cycles and starts are
// saved in the state directory on each heartbeat and at exit, loaded at the next start, shown in
// /stats and /metrics; a corrupt file is reported and ignored.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>

#include "hub/saved_counters.h"
#include "hub_process.h"

namespace zenhub::testing {
namespace {


int callHub(HubProcess& hub, const std::string& args) {
  std::string password = hub.dir().write("password", "zenoss\n");
  std::string out;
  return runCommand(binDir() + "/zenhubctl call --hub 127.0.0.1:" + std::to_string(hub.port()) +
                        " --password-file " + password + " " + args,
                    &out);
}

// A field of /stats' "lifetime" object.
uint64_t lifetimeField(HubProcess& hub, const std::string& name) {
  auto stats = httpGet(hub.port("status"), "/stats");
  std::smatch m;
  std::regex field("\"lifetime\":\\{[^}]*\"" + name + "\":([0-9]+)");
  if (!std::regex_search(stats.body, m, field)) throw std::runtime_error("no lifetime." + name + " in " + stats.body);
  return std::stoull(m[1]);
}

// The line a successful save on a heartbeat logs (at debug level).
std::string savedLine(const std::string& file, uint64_t calls) {
  return "event=counters_saved file=" + file + " calls=" + std::to_string(calls) + " ";
}

TEST(SavedCounters, SurviveARestart) {
  TempDir state;
  std::string file = state.file("counters");
  HubProcess first;
  first.start({"--state-dir", state.path()});
  ASSERT_TRUE(first.waitReady()) << first.log();
  ASSERT_TRUE(first.waitForLog("event=counters_new").has_value()) << first.log();
  ASSERT_EQ(callHub(first, "PingConfig getDeviceNames"), 0);
  ASSERT_EQ(callHub(first, "EventService sendEvents 'events=[{\"device\":\"web01\",\"severity\":4,\"summary\":\"a\"},"
                           "{\"device\":\"web02\",\"severity\":4,\"summary\":\"b\"}]'"),
            0);
  EXPECT_NE(callHub(first, "NoSuchService getDeviceNames"), 0);  // refused at getService: not a call
  first.signal(SIGTERM);
  ASSERT_EQ(first.waitExit(std::chrono::seconds(20)), 0) << first.log();
  EXPECT_TRUE(first.log().find("event=counters_saved") != std::string::npos) << first.log();
  auto saved = hub::readCountersFile(file);
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->starts, 1u);
  EXPECT_EQ(saved->calls, 2u);
  EXPECT_EQ(saved->callErrors, 0u);
  EXPECT_EQ(saved->events, 2u);

  HubProcess second;
  second.start({"--state-dir", state.path(), "--store", first.storeUri()});
  ASSERT_TRUE(second.waitReady()) << second.log();
  ASSERT_TRUE(second.waitForLog("event=counters_loaded").has_value()) << second.log();
  EXPECT_EQ(lifetimeField(second, "starts"), 2u);
  EXPECT_EQ(lifetimeField(second, "calls"), 2u);
  EXPECT_EQ(lifetimeField(second, "events"), 2u);
  ASSERT_EQ(callHub(second, "PingConfig getDeviceNames"), 0);
  EXPECT_EQ(lifetimeField(second, "calls"), 3u);
  auto metrics = httpGet(second.port("status"), "/metrics").body;
  EXPECT_NE(metrics.find("zenhub_lifetime_calls_total 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("zenhub_starts_total 2"), std::string::npos) << metrics;
  second.signal(SIGTERM);
  ASSERT_EQ(second.waitExit(std::chrono::seconds(20)), 0) << second.log();
  EXPECT_EQ(hub::readCountersFile(file)->calls, 3u);
  EXPECT_EQ(hub::readCountersFile(file)->starts, 2u);
}

TEST(SavedCounters, AreSavedOnEachHeartbeatWithoutAnExit) {
  HubProcess hub;
  hub.start({"--heartbeat-interval", "0.2", "--log-level", "debug"});
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  std::string file = hub.dir().file("counters");
  ASSERT_EQ(callHub(hub, "PingConfig getDeviceNames"), 0);
  ASSERT_TRUE(hub.waitForLog(savedLine(file, 1)).has_value()) << hub.log();
  EXPECT_EQ(hub::readCountersFile(file)->starts, 1u);
  // The hub is killed without a chance to save at exit: the heartbeat's save is what remains.
  hub.signal(SIGKILL);
  hub.waitExit();
  EXPECT_EQ(hub::readCountersFile(file)->calls, 1u);
}

TEST(SavedCounters, ACorruptFileIsReportedAndIgnored) {
  HubProcess hub;
  std::string file = hub.dir().write("counters", "zenhub-counters 1\ncalls lots\n");
  hub.start({"--heartbeat-interval", "0.2", "--log-level", "debug"});
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  auto at = hub.waitForLog("event=counters_corrupt");
  ASSERT_TRUE(at.has_value()) << hub.log();
  EXPECT_NE(hub.log().find("line 2: not a count: 'lots'"), std::string::npos) << hub.log();
  EXPECT_EQ(lifetimeField(hub, "starts"), 1u);
  // The next save replaces it with a good one.
  ASSERT_TRUE(hub.waitForLog(savedLine(file, 0), *at).has_value()) << hub.log();
  EXPECT_EQ(hub::readCountersFile(file)->starts, 1u);
}

}  // namespace
}  // namespace zenhub::testing
