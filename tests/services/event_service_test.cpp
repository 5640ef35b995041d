// EventService through its capability: batching of single calls, sendEvents, ping issues.
#include <gtest/gtest.h>
#include <kj/vector.h>

#include "service_fixture.h"

namespace zenhub::services {
namespace {

using testing::ServiceFixture;

void fill(schema::Event::Builder e, const std::string& device, int severity,
          const std::string& eventClass = "/Status/Ping") {
  e.setDevice(device);
  e.setEventClass(eventClass);
  e.setSeverity(severity);
  e.setSummary(severity ? "down" : "up");
  e.setAgent("zenping");
}

TEST(EventServiceTest, SendEventsStoresTheListInOneTransactionAndReturnsTheCount) {
  ServiceFixture f(store::testing::Backend::kSqlite, false);
  auto events = f.service<schema::EventService>("EventService");
  auto request = events.sendEventsRequest();
  auto list = request.initEvents(1000);
  for (unsigned i = 0; i < 1000; ++i) fill(list[i], "dev" + std::to_string(i % 10), 4, "/Perf");
  auto reply = request.send().wait(f.waitScope);
  EXPECT_EQ(reply.getCount(), 1000u);
  EXPECT_EQ(f.events->transactions(), 1);
  store::EventQuery q;
  auto stored = f.events->list(q);
  ASSERT_EQ(stored.size(), 10u);
  EXPECT_EQ(stored[0].count, 100);
  EXPECT_EQ(stored[0].event.monitor, "localhost");  // the service's monitor when the event has none
}

TEST(EventServiceTest, ABurstOfSingleCallsIsBatched) {
  ServiceFixture f(store::testing::Backend::kSqlite, false);
  auto events = f.service<schema::EventService>("EventService");
  kj::Vector<kj::Promise<void>> calls;
  for (int i = 0; i < 2000; ++i) {
    auto request = events.sendEventRequest();
    fill(request.initEvent(), "dev" + std::to_string(i), 5);
    calls.add(request.send().ignoreResult());
  }
  kj::joinPromises(calls.releaseAsArray()).wait(f.waitScope);
  EXPECT_LE(f.events->transactions(), 2);  // not 2,000
  EXPECT_EQ(f.events->list({std::nullopt, "", "", "", 0, 100000}).size(), 2000u);
}

TEST(EventServiceTest, DevicePingIssuesAndClears) {
  ServiceFixture f(store::testing::Backend::kSqlite, false);
  auto events = f.service<schema::EventService>("EventService");
  for (auto [device, severity] :
       {std::pair{"web01", 5}, std::pair{"web01", 5}, std::pair{"db01", 5}}) {
    auto request = events.sendEventRequest();
    fill(request.initEvent(), device, severity);
    auto item = request.getEvent().initDetails(1)[0];
    item.setName("ipAddress");
    item.initValue().setText("10.1.0.1");
    request.send().wait(f.waitScope);
  }
  auto reply =
      events.getDevicePingIssuesRequest().send().wait(f.waitScope);  // owns what readers point to
  auto issues = reply.getIssues();
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(std::string(issues[0].getDevice()), "db01");
  EXPECT_EQ(std::string(issues[1].getDevice()), "web01");
  EXPECT_EQ(issues[1].getCount(), 2u);
  EXPECT_EQ(std::string(issues[1].getIpAddress()), "10.1.0.1");

  auto clear = events.sendEventRequest();
  fill(clear.initEvent(), "web01", 0);
  clear.send().wait(f.waitScope);
  reply = events.getDevicePingIssuesRequest().send().wait(f.waitScope);
  issues = reply.getIssues();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(std::string(issues[0].getDevice()), "db01");
}

}  // namespace
}  // namespace zenhub::services
