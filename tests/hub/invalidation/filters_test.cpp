#include <gtest/gtest.h>

#include "hub/invalidation/debouncer.h"
#include "hub/invalidation/filters.h"
#include "hub/invalidation/plan.h"

namespace zenhub::hub::invalidation {
namespace {

FilterRule rule(std::string name, int weight, bool include, std::vector<std::string> classes, std::string path) {
  return FilterRule{std::move(name), weight, include, std::move(classes), std::move(path)};
}

TEST(PathCovers, SegmentBoundaries) {
  EXPECT_TRUE(pathCovers("/Devices/Lab", "/Devices/Lab"));
  EXPECT_TRUE(pathCovers("/Devices/Lab", "/Devices/Lab/devices/x"));
  EXPECT_TRUE(pathCovers("/Devices/Lab/", "/Devices/Lab/devices/x"));
  EXPECT_FALSE(pathCovers("/Devices/Lab", "/Devices/Labs"));
  EXPECT_FALSE(pathCovers("/Devices/Lab", "/Devices"));
  EXPECT_TRUE(pathCovers("", "/anything"));
}

TEST(FilterRule, AnswersIncludeExcludeOrContinue) {
  auto exclude = rule("lab", 1, false, {"Device"}, "/Devices/Lab");
  EXPECT_EQ(exclude.decide("Device", "/Devices/Lab/devices/a"), FilterDecision::kExclude);
  EXPECT_EQ(exclude.decide("IpInterface", "/Devices/Lab/devices/a/os/interfaces/e"), FilterDecision::kContinue);
  EXPECT_EQ(exclude.decide("Device", "/Devices/Prod/devices/a"), FilterDecision::kContinue);
  auto include = rule("any", 1, true, {}, "");
  EXPECT_EQ(include.decide("Whatever", "/x"), FilterDecision::kInclude);
}

TEST(FilterChain, NothingDecidesMeansIncluded) {
  FilterChain chain(std::vector<FilterRule>{rule("lab", 1, false, {}, "/Devices/Lab")});
  EXPECT_TRUE(chain.includes("Device", "/Devices/Prod/devices/a"));
  EXPECT_FALSE(chain.includes("Device", "/Devices/Lab/devices/a"));
}

TEST(FilterChain, LowestWeightDecidesFirstWhateverTheOrderWritten) {
  // Written exclude first, but the include weighs less: it runs first and wins.
  FilterChain chain(std::vector<FilterRule>{rule("exclude-lab", 50, false, {}, "/Devices/Lab"),
                                            rule("keep-lab-routers", 10, true, {"Device"}, "/Devices/Lab/Router")});
  EXPECT_TRUE(chain.includes("Device", "/Devices/Lab/Router/devices/r1"));
  EXPECT_FALSE(chain.includes("IpInterface", "/Devices/Lab/Router/devices/r1/os/interfaces/e0"));
  EXPECT_FALSE(chain.includes("Device", "/Devices/Lab/Switch/devices/s1"));
  // Equal weights keep the written order.
  FilterChain tie(std::vector<FilterRule>{rule("a", 5, false, {}, "/Devices"), rule("b", 5, true, {}, "/Devices")});
  EXPECT_FALSE(tie.includes("Device", "/Devices/x"));
  EXPECT_EQ(tie.rules()[0].name, "a");
}

TEST(FilterChain, ContinueFallsThroughToLaterFilters) {
  FilterChain chain(std::vector<FilterRule>{rule("only-interfaces", 1, false, {"IpInterface"}, "/Devices/Lab"),
                                            rule("everything-else-in-lab", 2, true, {}, "/Devices/Lab"),
                                            rule("nothing-else", 3, false, {}, "")});
  EXPECT_FALSE(chain.includes("IpInterface", "/Devices/Lab/devices/a/os/interfaces/e"));
  EXPECT_TRUE(chain.includes("Device", "/Devices/Lab/devices/a"));
  EXPECT_FALSE(chain.includes("Device", "/Devices/Prod/devices/a"));
}

TEST(FilterChain, DefaultsIgnoreZenHubsIgnorableClassesOnly) {
  FilterChain chain;
  for (const char* c : {"IpNetwork", "IpAddress", "GraphDefinition", "Portlet", "ProductClass", "Software", "Organizer"}) {
    EXPECT_FALSE(chain.includes(c, "/Devices/x")) << c;
  }
  for (const char* c : {"Device", "DeviceClass", "RRDTemplate", "RRDDataSource", "MinMaxThreshold", "IpInterface",
                        "PerformanceConf"}) {
    EXPECT_TRUE(chain.includes(c, "/Devices/x")) << c;
  }
}

using std::chrono::milliseconds;
using TP = Debouncer::TimePoint;

TEST(Debouncer, WithoutAQuietPeriodAChangeIsDueAtOnce) {
  Debouncer d(milliseconds(0), milliseconds(5000));
  TP t0{};
  EXPECT_FALSE(d.pending());
  EXPECT_FALSE(d.due(t0));
  d.arrived(t0);
  EXPECT_TRUE(d.due(t0));
  d.started();
  EXPECT_FALSE(d.pending());
}

TEST(Debouncer, WaitsForQuietButATrickleCannotPostponeBeyondTheMaximum) {
  Debouncer d(milliseconds(500), milliseconds(2000));
  TP t0{};
  // A change every 100 ms, forever: the quiet period never comes.
  for (int i = 0; i <= 30; ++i) {
    TP now = t0 + milliseconds(100 * i);
    d.arrived(now);
    if (now < t0 + milliseconds(2000)) {
      EXPECT_FALSE(d.due(now)) << i;
    } else {
      EXPECT_TRUE(d.due(now)) << i;
    }
  }
  EXPECT_EQ(*d.dueAt(), t0 + milliseconds(2000));
  d.started();
  // A lone change is due after the quiet period.
  TP t1 = t0 + milliseconds(10000);
  d.arrived(t1);
  EXPECT_FALSE(d.due(t1 + milliseconds(499)));
  EXPECT_TRUE(d.due(t1 + milliseconds(500)));
}

TEST(Debouncer, MaximumIsNeverBelowTheQuietPeriod) {
  Debouncer d(milliseconds(800), milliseconds(100));
  TP t0{};
  d.arrived(t0);
  EXPECT_EQ(*d.dueAt(), t0 + milliseconds(800));
}

TEST(Plan, LaterActionOnADeviceWinsWhenMerged) {
  Plan first;
  first.update("localhost", "web01");
  first.remove("localhost", "web02");
  first.noteCommit(2000);
  Plan later;
  later.remove("localhost", "web01");
  later.update("localhost", "web02");
  later.update("remote1", "web03");
  later.collectorsChanged.insert("remote1");
  later.noteCommit(1500);
  later.noteCommit(0);  // unknown commit time: ignored
  first.merge(std::move(later));
  EXPECT_EQ(first.devices["localhost"]["web01"], DeviceAction::kDelete);
  EXPECT_EQ(first.devices["localhost"]["web02"], DeviceAction::kUpdate);
  EXPECT_EQ(first.devices["remote1"]["web03"], DeviceAction::kUpdate);
  EXPECT_EQ(first.deviceCount(), 3u);
  EXPECT_EQ(first.collectorsChanged, std::set<std::string>{"remote1"});
  EXPECT_EQ(first.oldestCommitMs, 1500);
  // A device without a collector is nobody's.
  Plan none;
  none.update("", "orphan");
  EXPECT_TRUE(none.empty());
}

TEST(Plan, AResyncCoversWhatWasPending) {
  Plan pending;
  pending.update("localhost", "web01");
  Plan resync;
  resync.resync = true;
  pending.merge(std::move(resync));
  EXPECT_TRUE(pending.resync);
  EXPECT_TRUE(pending.devices.empty());
}

}  // namespace
}  // namespace zenhub::hub::invalidation
