// The event store: de-duplication, clearing, batching, listing. Built for both backends.
#include "store/event_store.h"

#include <gtest/gtest.h>

#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::Backend;
using testing::TestStore;

EventRecord event(std::string device, std::string eventClass, int severity,
                  std::string summary = "s", std::string component = "", std::string key = "") {
  EventRecord e;
  e.device = std::move(device);
  e.component = std::move(component);
  e.eventClass = std::move(eventClass);
  e.eventKey = std::move(key);
  e.severity = severity;
  e.summary = std::move(summary);
  e.agent = "zenping";
  e.monitor = "localhost";
  return e;
}

class EventStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::vector<StoredEvent> all(std::optional<bool> open = std::nullopt) {
    EventQuery q;
    q.open = open;
    q.limit = 100000;
    return events_->list(q);
  }

  TestStore test_{GetParam()};
  std::unique_ptr<Store> store_ = test_.open();
  std::unique_ptr<EventStore> events_ = openEventStore(test_.uri());
};

TEST_P(EventStoreTest, ARepeatBumpsCountAndLastSeen) {
  auto first = event("web01", "/Status/Ping", 5, "down");
  first.timestamp = 1000;
  auto again = event("web01", "/Status/Ping", 5, "still down");
  again.timestamp = 1060;
  auto stats = events_->write({first});
  EXPECT_EQ(stats.created, 1u);
  stats = events_->write({again});
  EXPECT_EQ(stats.created, 0u);
  EXPECT_EQ(stats.deduplicated, 1u);
  auto stored = all();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].count, 2);
  EXPECT_EQ(stored[0].firstSeen, 1000);
  EXPECT_EQ(stored[0].lastSeen, 1060);
  EXPECT_EQ(stored[0].event.summary, "still down");
  EXPECT_TRUE(stored[0].open);
}

TEST_P(EventStoreTest, AnyFingerprintPartMakesADifferentEvent) {
  events_->write({event("web01", "/Status/Ping", 5), event("web02", "/Status/Ping", 5),
                  event("web01", "/Status/Ping", 4), event("web01", "/Status/Snmp", 5),
                  event("web01", "/Status/Ping", 5, "s", "eth0"),
                  event("web01", "/Status/Ping", 5, "s", "", "k"),
                  event("web01", "/Status/Ping", 5)});
  auto stored = all();
  EXPECT_EQ(stored.size(), 6u);
}

TEST_P(EventStoreTest, AClearClosesMatchingOpenEventsOfAnySeverity) {
  events_->write({event("web01", "/Status/Ping", 5), event("web01", "/Status/Ping", 3),
                  event("web02", "/Status/Ping", 5),
                  event("web01", "/Status/Ping", 5, "s", "eth0")});
  auto stats = events_->write({event("web01", "/Status/Ping", 0, "up")});
  EXPECT_EQ(stats.closed, 2u);
  auto open = all(true);
  ASSERT_EQ(open.size(), 2u);  // web02's and eth0's stay open
  for (const auto& e : open) EXPECT_TRUE(e.event.device == "web02" || e.event.component == "eth0");
  auto closed = all(false);
  EXPECT_EQ(closed.size(), 3u);  // two cleared, and the clear itself (history)
  for (const auto& e : closed) EXPECT_GT(e.closedAt, 0);
}

TEST_P(EventStoreTest, ARepeatAfterAClearOpensANewEvent) {
  events_->write({event("web01", "/Status/Ping", 5)});
  events_->write({event("web01", "/Status/Ping", 0), event("web01", "/Status/Ping", 5)});
  auto open = all(true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].count, 1);
  // Within one batch too: open, clear, open.
  events_->write({event("db01", "/Status/Ping", 5), event("db01", "/Status/Ping", 0),
                  event("db01", "/Status/Ping", 5), event("db01", "/Status/Ping", 5)});
  EventQuery q;
  q.device = "db01";
  q.open = true;
  auto db = events_->list(q);
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0].count, 2);
}

TEST_P(EventStoreTest, ABurstOfTenThousandEventsIsOneTransaction) {
  std::vector<EventRecord> burst;
  for (int i = 0; i < 10000; ++i) {
    // 2,500 devices, each reported four times: 2,500 events with count 4.
    burst.push_back(
        event("dev" + std::to_string(i % 2500), "/Perf/CPU", 4, "busy " + std::to_string(i)));
  }
  std::int64_t before = events_->transactions();
  auto stats = events_->write(burst);
  EXPECT_EQ(events_->transactions() - before, 1);
  EXPECT_EQ(stats.created, 2500u);
  EXPECT_EQ(stats.deduplicated, 7500u);
  // A second burst folds into the stored events, still one transaction.
  stats = events_->write(burst);
  EXPECT_EQ(events_->transactions() - before, 2);
  EXPECT_EQ(stats.deduplicated, 10000u);
  auto stored = all(true);
  ASSERT_EQ(stored.size(), 2500u);
  for (const auto& e : stored) ASSERT_EQ(e.count, 8);
}

TEST_P(EventStoreTest, ListFiltersByDeviceClassSeverityAndLimit) {
  events_->write({event("web01", "/Status/Ping", 5), event("web01", "/Status/Snmp", 3),
                  event("web02", "/Perf/CPU", 2), event("web02", "/StatusOther", 5)});
  EventQuery q;
  q.eventClass = "/Status";
  EXPECT_EQ(events_->list(q).size(), 2u);  // not /StatusOther
  q = {};
  q.device = "web02";
  EXPECT_EQ(events_->list(q).size(), 2u);
  q = {};
  q.minSeverity = 4;
  EXPECT_EQ(events_->list(q).size(), 2u);
  q = {};
  q.limit = 1;
  EXPECT_EQ(events_->list(q).size(), 1u);
}

TEST_P(EventStoreTest, DetailsAndPingIssues) {
  auto down = event("web01", "/Status/Ping", 5, "down", "eth0");
  down.details = {{"ipAddress", "10.1.0.11"}, {"rtt", "none"}};
  events_->write({down, down, event("db01", "/Status/Ping", 2), event("db02", "/Status/Snmp", 5)});
  auto issues = events_->pingIssues();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].device, "web01");
  EXPECT_EQ(issues[0].ipAddress, "10.1.0.11");
  EXPECT_EQ(issues[0].count, 2);
  EventQuery q;
  q.device = "web01";
  EXPECT_EQ(events_->list(q)[0].event.details.size(), 2u);
}

TEST_P(EventStoreTest, TwoConnectionsShareTheEventsAndTheSchemaIsCreatedOnce) {
  auto other = openEventStore(test_.uri());
  events_->write({event("web01", "/Status/Ping", 5)});
  other->write({event("web01", "/Status/Ping", 5)});
  auto stored = all();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].count, 2);
}

TEST(EventFingerprintTest, SeparatorsInsidePartsCannotCollide) {
  EventRecord a;
  a.device = "a|b";
  EventRecord b;
  b.device = "a";
  b.component = "b";
  EXPECT_NE(eventFingerprint(a), eventFingerprint(b));
  EXPECT_NE(eventClearKey(a), eventClearKey(b));
}

ZENHUB_INSTANTIATE_FOR_BACKEND(EventStoreTest);

}  // namespace
}  // namespace zenhub::store
