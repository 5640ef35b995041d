#include "hub/stats_report.h"

#include <gtest/gtest.h>

namespace zenhub::hub {
namespace {

using namespace std::chrono_literals;

TEST(CallStats, SortsByTotalTimeLargestFirst) {
  CallStats stats;
  stats.record("Hub.ping", 1ms, true);
  stats.record("Svc.slow", 5s, true);
  stats.record("Hub.ping", 2ms, false);
  auto rows = stats.byTotal();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "Svc.slow");
  EXPECT_EQ(rows[1].count, 2u);
  EXPECT_EQ(rows[1].errors, 1u);
  EXPECT_EQ(rows[1].max, 2ms);
}

TEST(StatsReport, FormatsDurationsAsHoursMinutesSeconds) {
  EXPECT_EQ(formatDuration(0s), "0:00:00");
  EXPECT_EQ(formatDuration(3723s), "1:02:03");
  EXPECT_EQ(formatDuration(1500ms), "0:00:01");
}

TEST(StatsReport, UsesZenHubsServiceCallLayout) {
  HubSnapshot s;
  s.instanceId = "localhost";
  s.connections = 3;
  MethodStats m;
  m.name = "Hub.ping";
  m.count = 12;
  m.total = 65s;
  m.lastCalled = std::chrono::system_clock::from_time_t(0);
  s.methods.push_back(m);
  auto text = formatReport(s);
  EXPECT_NE(text.find("Hub Call Statistics (as collectors see them: queue and worker time included):\n"), std::string::npos);
  EXPECT_NE(text.find("   method                              count running_total last_called_time\n"),
            std::string::npos)
      << text;
  // " - " + name padded to 32 + " " + count right-aligned in 8 + " " + total in 13.
  EXPECT_NE(text.find(" - Hub.ping                               12       0:01:05  "), std::string::npos) << text;
  EXPECT_NE(text.find("Connections           : 3"), std::string::npos) << text;
}

}  // namespace
}  // namespace zenhub::hub
