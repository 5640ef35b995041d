// The SIGUSR2 report in ZenHub's layout, and its JSON twin.
#include "hub/pool/pool_stats.h"

#include <gtest/gtest.h>

namespace zenhub::hub::pool {
namespace {

using namespace std::chrono_literals;

PoolStats sample() {
  PoolStats s;
  QueueStat q;
  q.pool = "default";
  q.depth = {1, 0, 2, 3, 0};
  s.queues.push_back(q);
  MethodStatsTable t;
  t.record("PingConfig.getDeviceConfigs", 3723s, true);
  t.record("EventService.sendEvents", 2s, false);
  t.record("PingConfig.getDeviceConfigs", 1s, true);
  s.methods = t.byTotal();
  WorkerStat idle;
  idle.id = "default-0";
  idle.pid = 11;
  idle.state = "ready";
  WorkerStat busy = idle;
  busy.id = "default-1";
  busy.busy = true;
  busy.currentCall = "PingConfig.getDeviceConfigs";
  busy.currentElapsed = 65s;
  busy.idleBefore = 2s;
  WorkerStat pipelined = busy;
  pipelined.id = "default-2";
  pipelined.waiting = 3;
  WorkerStat done = idle;
  done.id = "events-0";
  done.lastCall = "EventService.sendEvents";
  done.lastDuration = 1s;
  done.idleBefore = 10s;
  s.workers = {idle, busy, pipelined, done};
  return s;
}

TEST(PoolStats, ReportHasZenHubsSections) {
  auto lines = formatReport(sample());
  auto has = [&](const std::string& text) {
    return std::find(lines.begin(), lines.end(), text) != lines.end();
  };
  EXPECT_EQ(lines[0], "Worklist Stats:");
  EXPECT_TRUE(has("   Events                : 1"));
  EXPECT_TRUE(has("   Other                 : 2"));
  EXPECT_TRUE(has("   Config                : 3"));
  EXPECT_TRUE(has("   Total                 : 6"));
  EXPECT_TRUE(has("Service Call Statistics:"));
  EXPECT_TRUE(has("Worker Statistics:"));
  bool sawBusy = false, sawIdle = false, sawDone = false, sawMethod = false, sawPipelined = false;
  for (const auto& l : lines) {
    if (l.rfind(" - PingConfig.getDeviceConfigs             2      1:02:04  ", 0) == 0) sawMethod = true;
    if (l.rfind("    default-0:Idle [] No tasks run", 0) == 0) sawIdle = true;
    if (l.rfind("    default-1:Busy [PingConfig.getDeviceConfigs  elapsed: 0:01:05] idle: 0:00:02", 0) == 0) sawBusy = true;
    if (l.rfind("    default-2:Busy [PingConfig.getDeviceConfigs  elapsed: 0:01:05] (+3 waiting) idle: 0:00:02", 0) == 0) {
      sawPipelined = true;
    }
    if (l.rfind("    events-0:Idle [EventService.sendEvents  elapsed: 0:00:01] idle: 0:00:10", 0) == 0) sawDone = true;
  }
  EXPECT_TRUE(sawMethod);
  EXPECT_TRUE(sawIdle);
  EXPECT_TRUE(sawBusy);
  EXPECT_TRUE(sawDone);
  EXPECT_TRUE(sawPipelined);
}

TEST(PoolStats, MethodsSortByTotalWithMaxAndAverage) {
  auto s = sample();
  ASSERT_EQ(s.methods.size(), 2u);
  EXPECT_EQ(s.methods[0].name, "PingConfig.getDeviceConfigs");
  EXPECT_EQ(s.methods[0].count, 2u);
  EXPECT_EQ(s.methods[0].max, Nanos(3723s));
  EXPECT_EQ(s.methods[0].last, Nanos(1s));
  EXPECT_EQ(s.methods[0].average(), Nanos(1862s));
  EXPECT_EQ(s.methods[1].errors, 1u);
}

TEST(PoolStats, Json) {
  auto json = toJson(sample());
  EXPECT_NE(json.find("\"pool\":\"default\",\"EVENTS\":1"), std::string::npos);
  EXPECT_NE(json.find("\"name\":\"PingConfig.getDeviceConfigs\",\"count\":2"), std::string::npos);
  EXPECT_NE(json.find("\"id\":\"default-1\",\"pool\":\"\",\"pid\":11,\"state\":\"ready\",\"busy\":true"), std::string::npos);
  EXPECT_NE(json.find("\"id\":\"default-2\""), std::string::npos);
  EXPECT_NE(json.find("\"currentElapsed\":65.000000,\"waiting\":3,"), std::string::npos);
}

}  // namespace
}  // namespace zenhub::hub::pool
