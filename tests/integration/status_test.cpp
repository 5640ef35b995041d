// The HTTP status endpoint of a real hub: /healthz, /readyz (false until workers are ready and the
// store is there, true after), /metrics (strict Prometheus text that moves with calls), /stats.
#include <gtest/gtest.h>

#include "exposition_parser.h"
#include "hub_process.h"

#include <regex>

namespace zenhub::testing {
namespace {

using hub::http::testing::parseExposition;

int callHub(HubProcess& hub, const std::string& password, const std::string& args) {
  std::string out;
  return runCommand(binDir() + "/zenhubctl call --hub 127.0.0.1:" + std::to_string(hub.port()) +
                        " --password-file " + password + " " + args,
                    &out);
}

TEST(StatusEndpoint, MetricsAreStrictPrometheusTextAndMoveWithCalls) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  uint16_t status = hub.port("status");
  ASSERT_NE(status, 0);
  EXPECT_EQ(httpGet(status, "/healthz").status, 200);
  std::string password = hub.dir().write("password", "zenoss\n");
  ASSERT_EQ(callHub(hub, password, "PingConfig getDeviceNames"), 0);

  auto first = httpGet(status, "/metrics");
  ASSERT_EQ(first.status, 200);
  auto before = parseExposition(first.body);  // throws on anything malformed or duplicated
  std::map<std::string, std::string> ok = {{"service", "PingConfig"}, {"method", "getDeviceNames"}, {"status", "ok"}};
  ASSERT_EQ(before.value("zenhub_calls_total", ok), 1.0) << first.body;
  ASSERT_TRUE(before.family("zenhub_call_duration_seconds"));
  EXPECT_EQ(before.family("zenhub_call_duration_seconds")->type, "histogram");
  EXPECT_EQ(before.value("zenhub_collectors_connected"), 0.0);
  for (const char* family : {"zenhub_worklist_depth", "zenhub_workers", "zenhub_invalidation_cycles_total",
                             "zenhub_event_loop_lag_seconds", "zenhub_events_received_total",
                             "zenhub_invalidation_oids_total"}) {
    EXPECT_TRUE(before.family(family)) << family << "\n" << first.body;
  }

  ASSERT_EQ(callHub(hub, password, "PingConfig getDeviceNames"), 0);
  ASSERT_EQ(callHub(hub, password,
                    "EventService sendEvents 'events=[{\"device\":\"web01\",\"severity\":4,\"summary\":\"a\"},"
                    "{\"device\":\"web02\",\"severity\":4,\"summary\":\"b\"}]'"),
            0);
  auto after = parseExposition(httpGet(status, "/metrics").body);
  EXPECT_EQ(after.value("zenhub_calls_total", ok), 2.0);
  EXPECT_EQ(after.value("zenhub_events_received_total"), 2.0);
  EXPECT_EQ(after.value("zenhub_call_duration_seconds_count", {{"service", "PingConfig"}, {"method", "getDeviceNames"}}),
            2.0);

  auto stats = httpGet(status, "/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_NE(stats.body.find("\"invalidations\":{\"paused\":false"), std::string::npos) << stats.body;
  EXPECT_NE(stats.body.find("\"workers\":["), std::string::npos) << stats.body;
  EXPECT_EQ(httpGet(status, "/nothing").status, 404);
}

TEST(StatusEndpoint, ReadyzIsFalseUntilTheWorkersAreReadyAndTrueAfter) {
  // The store does not exist yet: the workers cannot start, the hub keeps trying.
  HubProcess hub("crash_backoff_initial: 0.1\ncrash_backoff_max: 0.2\n");
  TempDir later;
  std::string uri = "sqlite://" + later.file("model.db");
  hub.start({"--store", uri});
  uint16_t status = hub.waitListening("status");
  ASSERT_NE(status, 0) << hub.log();
  EXPECT_EQ(httpGet(status, "/healthz").status, 200);
  auto notReady = httpGet(status, "/readyz");
  EXPECT_EQ(notReady.status, 503);
  EXPECT_NE(notReady.body.find("workers not ready"), std::string::npos) << notReady.body;
  // Now the store appears; the next worker starts and the hub becomes ready.
  std::string out;
  std::string ctl = binDir() + "/zenhubctl model --store " + uri;
  ASSERT_EQ(runCommand(ctl + " init", &out), 0) << out;
  ASSERT_EQ(runCommand(ctl + " load " + ZENHUB_SOURCE_DIR + "/config/sample-model.yaml", &out), 0) << out;
  ASSERT_TRUE(hub.waitReady(std::chrono::seconds(20))) << hub.log();
  ASSERT_TRUE(hub.waitForLog("event=store_recovered").has_value()) << hub.log();
  auto ready = httpGet(status, "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
}

}  // namespace
}  // namespace zenhub::testing

namespace zenhub::testing {
namespace {

TEST(HubEvents, StartAndHeartbeatsAreStoredOnSchedule) {
  HubProcess hub;
  hub.start({"--heartbeat-interval", "0.2"});
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  // The first heartbeat goes with the start event; then one every 0.2 s, each a stored write.
  size_t at = 0;
  for (int i = 0; i < 4; ++i) {
    auto next = hub.waitForLog("event=hub_events_stored", at);
    ASSERT_TRUE(next) << hub.log();
    at = *next;
  }
  std::string out;
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl events --store " + hub.storeUri() + " --device localhost --json", &out), 0)
      << out;
  EXPECT_NE(out.find("\"eventClass\":\"/Heartbeat\""), std::string::npos) << out;
  EXPECT_NE(out.find("zenhub started"), std::string::npos) << out;
  EXPECT_NE(out.find("\"component\":\"zenhub\""), std::string::npos) << out;
  // Heartbeats de-duplicate into one open event whose count grows.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"re("eventClass":"/Heartbeat"[^}]*"count":([0-9]+))re"))) << out;
  EXPECT_GE(std::stoi(m[1]), 2) << out;
  EXPECT_NE(out.find("\"timeout\":\"900\""), std::string::npos) << out;
}

}  // namespace
}  // namespace zenhub::testing

namespace zenhub::testing {
namespace {

TEST(ZenhubctlStats, PrintsTheReportAndItsJsonFromTheStatusEndpoint) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  std::string password = hub.dir().write("password", "zenoss\n");
  ASSERT_EQ(callHub(hub, password, "PingConfig getDeviceNames"), 0);
  std::string status = "127.0.0.1:" + std::to_string(hub.port("status"));
  std::string out;
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl stats --status " + status, &out), 0) << out;
  for (const char* section : {"Hub Statistics:", "Since first start", "Invalidations:", "Worklist Stats",
                              "Service Call Statistics", "Worker Statistics", "PingConfig.getDeviceNames"}) {
    EXPECT_NE(out.find(section), std::string::npos) << section << "\n" << out;
  }
  ASSERT_EQ(runCommand(binDir() + "/zenhubctl stats --json --status " + status, &out), 0) << out;
  EXPECT_EQ(out.rfind("{\"hub\":{", 0), 0u) << out;
  EXPECT_NE(out.find("\"lifetime\":{\"starts\":1,\"calls\":1,"), std::string::npos) << out;
  // Nothing listens there: a clear message and exit 1.
  EXPECT_EQ(runCommand(binDir() + "/zenhubctl stats --timeout 2 --status 127.0.0.1:1", &out), 1) << out;
  EXPECT_NE(out.find("cannot connect to 127.0.0.1:1"), std::string::npos) << out;
}

}  // namespace
}  // namespace zenhub::testing
