// Reading the pool's settings from zenhub.yaml: defaults, every error with its line:column.
#include "hub/pool/pool_config.h"

#include <gtest/gtest.h>

namespace zenhub::hub::pool {
namespace {

using namespace std::chrono_literals;

PoolConfig parse(const std::string& yaml, std::vector<std::string>& errors) {
  return parsePoolConfig(YAML::Load(yaml), "zenhub.yaml", errors, 3);
}

TEST(PoolConfig, DefaultsGiveEventsAndModelingTheirOwnPools) {
  std::vector<std::string> errors;
  auto c = parse("log_level: info\n", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(c.pools, (std::map<std::string, int>{{"default", 3}, {"events", 1}, {"modeling", 1}}));
  auto router = c.router();
  EXPECT_EQ(router.resolve("EventService", "sendEvents").pool, "events");
  EXPECT_EQ(router.resolve("ModelerService", "applyDataMaps").pool, "modeling");
  EXPECT_EQ(router.resolve("PingConfig", "getDeviceConfigs").pool, "default");
  EXPECT_TRUE(validatePoolConfig(c).empty());
}

TEST(PoolConfig, ReadsEverySetting) {
  std::vector<std::string> errors;
  auto c = parse(R"(
pools: {default: 4, slow: {workers: 1}}
routes:
  "*:*": default
  "*:getDeviceConfigs": {pool: slow, timeout: 120}
priorities:
  "PingConfig:*": EVENTS
call_timeout: 30
call_retries: 2
queue_limit: 50
worker_call_limit: 100
worker_rss_limit_mb: 512
worker_pipeline: 2
worker_pipeline_window: 0.01
crash_window: 5
crash_loop_threshold: 3
crash_backoff_initial: 0.5
crash_backoff_max: 30
worker_stop_grace: 2
worker_signal_min_age: 1
)", errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(c.pools.at("default"), 4);
  EXPECT_EQ(c.pools.at("slow"), 1);
  auto router = c.router();
  EXPECT_EQ(router.resolve("SnmpConfig", "getDeviceConfigs").pool, "slow");
  EXPECT_EQ(router.resolve("SnmpConfig", "getDeviceConfigs").timeout, 120s);
  EXPECT_EQ(c.priorityMap().of("PingConfig", "getDeviceNames"), Priority::kEvents);
  EXPECT_EQ(c.callTimeout, 30s);
  EXPECT_EQ(c.retries, 2);
  EXPECT_EQ(c.queueLimit, 50u);
  EXPECT_EQ(c.callLimit, 100u);
  EXPECT_EQ(c.rssLimitBytes, 512ull << 20);
  EXPECT_EQ(c.crashWindow, 5s);
  EXPECT_EQ(c.crashLoopThreshold, 3);
  EXPECT_EQ(c.backoffInitial, 500ms);
  EXPECT_EQ(c.backoffMax, 30s);
  EXPECT_EQ(c.stopGrace, 2s);
  EXPECT_EQ(c.signalMinAge, 1s);
  EXPECT_EQ(c.pipeline, 2);
  EXPECT_EQ(c.pipelineWindow, 10ms);
  auto s = c.supervisor("default");
  EXPECT_EQ(s.workers, 4);
  EXPECT_EQ(s.callLimit, 100u);
  EXPECT_EQ(s.pipeline, 2);
  EXPECT_EQ(s.pipelineWindow, 10ms);
}

TEST(PoolConfig, PipelineWindowDefaultsToTheMeasuredOneZeroMeansDepthAloneAndNegativeIsAnError) {
  std::vector<std::string> errors;
  EXPECT_EQ(parse("log_level: info\n", errors).supervisor("default").pipelineWindow, kDefaultPipelineWindow);
  EXPECT_EQ(parse("worker_pipeline_window: 0\n", errors).supervisor("default").pipelineWindow, Duration{0});
  EXPECT_TRUE(errors.empty());
  parse("worker_pipeline_window: -1\n", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "zenhub.yaml:1:25: worker_pipeline_window: must be at least 0.000000");
  errors.clear();
  parse("worker_pipeline_window: soon\n", errors);
  ASSERT_EQ(errors.size(), 1u);
}

TEST(PoolConfig, WorkerPipelineDefaultsToTheMeasuredDepthAndOneMeansOneCallAtATime) {
  std::vector<std::string> errors;
  EXPECT_EQ(parse("log_level: info\n", errors).pipeline, kDefaultPipeline);
  EXPECT_EQ(parse("worker_pipeline: 1\n", errors).supervisor("default").pipeline, 1);
  EXPECT_TRUE(errors.empty());
  parse("worker_pipeline: 0\n", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "zenhub.yaml:1:18: worker_pipeline: must be between 1 and 64");
  auto bad = defaultPoolConfig();
  bad.pipeline = 0;
  EXPECT_EQ(validatePoolConfig(bad), std::vector<std::string>{"worker_pipeline must be between 1 and 64"});
}

TEST(PoolConfig, MissingCatchAllIsRejectedWithLineAndColumn) {
  std::vector<std::string> errors;
  parse("log_level: info\nroutes:\n  \"PingConfig:*\": default\n", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "zenhub.yaml:3:3: routes: a '*:*' route is required");
}

TEST(PoolConfig, ReportsEveryErrorAtOnce) {
  std::vector<std::string> errors;
  parse(R"(pools:
  default: many
routes:
  "*:*": default
  "Ping": default
  "*:foo": nowhere
priorities:
  "*:bar": URGENT
call_retries: -1
)", errors);
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0], "zenhub.yaml:2:12: pools.default: expected an integer, got 'many'");
  EXPECT_EQ(errors[1], "zenhub.yaml:4:10: routes.*:*: no pool named 'default'");
  EXPECT_EQ(errors[2], "zenhub.yaml:5:3: routes: 'Ping' is not service:method");
  EXPECT_EQ(errors[3], "zenhub.yaml:6:12: routes.*:foo: no pool named 'nowhere'");
  EXPECT_EQ(errors[4], "zenhub.yaml:8:12: priorities.*:bar: 'URGENT' is not one of EVENTS, SINGLE_MODELING, OTHER, CONFIG, MODELING");
  EXPECT_EQ(errors[5], "zenhub.yaml:9:15: call_retries: must be between 0 and 100");
}

TEST(PoolConfig, PoolsWithoutDefaultNeedRoutes) {
  std::vector<std::string> errors;
  parse("pools: {a: 1}\n", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("zenhub.yaml:1:8"), std::string::npos);
  errors.clear();
  auto c = parse("pools: {a: 1}\nroutes: {\"*:*\": a}\n", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(c.router().resolve("X", "y").pool, "a");
}

TEST(PoolConfig, KeysAreListedForTheHubsLoader) {
  const auto& keys = poolConfigKeys();
  for (const char* k : {"pools", "routes", "priorities", "call_timeout", "worker_pipeline", "worker_signal_min_age"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
}

}  // namespace
}  // namespace zenhub::hub::pool
