// `zenhubctl events`: lists stored events, with filters and --json.
#include <gtest/gtest.h>

#include "store/event_store.h"
#include "test_process.h"
#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::run;
using testing::zenhubctl;

class ZenhubctlEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EventRecord down;
    down.device = "web01";
    down.eventClass = "/Status/Ping";
    down.severity = 5;
    down.summary = "web01 is down";
    EventRecord busy = down;
    busy.device = "db01";
    busy.eventClass = "/Perf/CPU";
    busy.severity = 3;
    busy.summary = "CPU \"busy\"";
    EventRecord cleared = down;
    cleared.device = "db02";
    events_->write({down, down, busy, cleared});
    cleared.severity = 0;
    events_->write({cleared});
  }

  testing::ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {zenhubctl(), "events", "--store", test_.uri()});
    return run(args, test_.dir());
  }

  testing::TestStore test_{testing::Backend::kSqlite};
  std::unique_ptr<Store> store_ = test_.open();
  std::unique_ptr<EventStore> events_ = openEventStore(test_.uri());
};

TEST_F(ZenhubctlEventsTest, ListsOpenEventsByDefault) {
  auto r = ctl({});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("web01 is down"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("critical"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("db02"), std::string::npos) << r.out;  // cleared
}

TEST_F(ZenhubctlEventsTest, FiltersAndJson) {
  auto r = ctl({"--class", "/Status", "--all", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("\"device\":\"web01\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"count\":2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"device\":\"db02\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("db01"), std::string::npos) << r.out;
  r = ctl({"--device", "db01", "--json"});
  EXPECT_NE(r.out.find("CPU \\\"busy\\\""), std::string::npos) << r.out;
  r = ctl({"--severity", "4", "--json"});
  EXPECT_EQ(r.out.find("db01"), std::string::npos) << r.out;
}

TEST_F(ZenhubctlEventsTest, BadStoreIsAnError) {
  auto r = run({zenhubctl(), "events", "--store", "sqlite://" + test_.dir() + "/missing.db"},
               test_.dir());
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("cannot open store"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace zenhub::store
