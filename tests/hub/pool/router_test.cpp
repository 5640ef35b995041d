// Routing and priorities: method-first wildcard precedence, the required `*:*`.
#include "hub/pool/router.h"

#include <gtest/gtest.h>

#include "hub/pool/priority.h"

namespace zenhub::hub::pool {
namespace {

RouteSpec route(std::string service, std::string method, std::string pool) {
  return {{std::move(service), std::move(method)}, {std::move(pool), {}}};
}

TEST(Router, MethodFirstPrecedence) {
  Router r({route("*", "*", "default"), route("Svc", "*", "svc"), route("*", "foo", "foo"),
            route("Svc", "bar", "exact")});
  EXPECT_EQ(r.resolve("Svc", "foo").pool, "foo");      // *:foo beats Svc:*
  EXPECT_EQ(r.resolve("Svc", "bar").pool, "exact");    // an exact key beats both
  EXPECT_EQ(r.resolve("Svc", "other").pool, "svc");
  EXPECT_EQ(r.resolve("Other", "foo").pool, "foo");
  EXPECT_EQ(r.resolve("Other", "other").pool, "default");
}

TEST(Router, RequiresACatchAll) {
  EXPECT_THROW(Router({route("Svc", "*", "svc")}), std::invalid_argument);
}

TEST(RouteKey, ParsesWholePartWildcardsOnly) {
  std::string error;
  auto key = parseRouteKey("EventService:*", error);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->service, "EventService");
  EXPECT_EQ(key->method, "*");
  EXPECT_FALSE(parseRouteKey("EventService", error).has_value());
  EXPECT_NE(error.find("service:method"), std::string::npos);
  EXPECT_FALSE(parseRouteKey("Event*:send", error).has_value());
  EXPECT_FALSE(parseRouteKey(":send", error).has_value());
  EXPECT_FALSE(parseRouteKey("a:b:c", error).has_value());
}

TEST(PriorityMap, ZenHubDefaults) {
  PriorityMap m;
  EXPECT_EQ(m.of("EventService", "sendEvent"), Priority::kEvents);
  EXPECT_EQ(m.of("EventService", "sendEvents"), Priority::kEvents);
  EXPECT_EQ(m.of("ModelerService", "singleApplyDataMaps"), Priority::kSingleModeling);
  EXPECT_EQ(m.of("PingConfig", "getDeviceConfigs"), Priority::kConfig);
  EXPECT_EQ(m.of("ModelerService", "getDeviceConfig"), Priority::kConfig);
  EXPECT_EQ(m.of("ModelerService", "applyDataMaps"), Priority::kModeling);
  EXPECT_EQ(m.of("PingConfig", "getDeviceNames"), Priority::kOther);
  EXPECT_EQ(m.of("EventService", "getDevicePingIssues"), Priority::kOther);
}

TEST(PriorityMap, ConfiguredEntriesOverrideWithTheSamePrecedence) {
  PriorityMap m;
  m.set({"PingConfig", "*"}, Priority::kEvents);
  EXPECT_EQ(m.of("PingConfig", "getDeviceNames"), Priority::kEvents);
  EXPECT_EQ(m.of("PingConfig", "getDeviceConfigs"), Priority::kConfig);  // *:getDeviceConfigs first
  EXPECT_EQ(parsePriority("SINGLE_MODELING"), Priority::kSingleModeling);
  EXPECT_FALSE(parsePriority("URGENT").has_value());
}

}  // namespace
}  // namespace zenhub::hub::pool
