// The change feed under concurrent writers: every committed change is seen exactly once, also
// when commits interleave and land out of the order their transactions started or took oids.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "store/model_loader.h"
#include "test_process.h"
#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::Backend;
using testing::TestStore;
using testing::spec;
namespace cls = model::cls;
using Clock = std::chrono::steady_clock;

using Seen = std::multiset<std::pair<std::int64_t, Oid>>;  // (tid, oid)

// Polls the feed like the hub does and keeps everything it saw; checks order as it goes.
class FeedReader {
 public:
  explicit FeedReader(Store& store) : store_(store) {}
  // One poll; returns how many changes it brought.
  size_t poll(std::int64_t maxTransactions = 3) {
    size_t n = 0;
    while (true) {
      ChangeBatch b = store_.changesSince(cursor_, maxTransactions);
      EXPECT_FALSE(b.resyncRequired);
      EXPECT_GE(b.cursor, cursor_);
      for (const auto& c : b.changes) {
        EXPECT_GT(c.tid, cursor_) << "a change at or behind the cursor";
        EXPECT_LE(c.tid, b.cursor);
        seen_.emplace(c.tid, c.oid);
        ++n;
      }
      cursor_ = b.cursor;
      if (!b.more) return n;
    }
  }
  const Seen& seen() const { return seen_; }
  Cursor cursor() const { return cursor_; }

 private:
  Store& store_;
  Cursor cursor_ = 0;
  Seen seen_;
};

class FeedConcurrencyTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    {
      auto txn = store_->write();
      txn->upsert({spec("/Monitors/Performance", cls::kCollector, "localhost"), spec("/Devices", cls::kDeviceClass, "Lab")});
      for (int w = 0; w < kWriters; ++w) {
        for (int d = 0; d < kDevicesPerWriter; ++d) txn->put(spec("/Devices/Lab", cls::kDevice, deviceName(w, d)));
      }
      txn->commit();
    }
    reader_.poll();  // the setup transaction
    setupSeen_ = reader_.seen();
  }
  static std::string deviceName(int w, int d) { return "w" + std::to_string(w) + "d" + std::to_string(d); }
  static std::string devicePath(int w, int d) { return "/Devices/Lab/devices/" + deviceName(w, d); }

  static constexpr int kWriters = 4;
  static constexpr int kDevicesPerWriter = 3;
  TestStore test_{GetParam()};
  std::unique_ptr<Store> store_ = test_.open();
  FeedReader reader_{*store_};
  Seen setupSeen_;
};

TEST_P(FeedConcurrencyTest, ConcurrentWritersEveryCommittedChangeSeenExactlyOnce) {
  constexpr int kTransactions = 40;
  std::vector<Seen> committed(kWriters);
  std::atomic<int> running{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto store = test_.open();  // its own connection
      std::vector<std::pair<std::string, Oid>> created;
      for (int t = 0; t < kTransactions; ++t) {
        auto txn = store->write();
        Seen changes;
        int d = t % kDevicesPerWriter;
        txn->update(devicePath(w, d), {{"counter", std::int64_t{t}}});
        changes.emplace(0, txn->get(devicePath(w, d))->oid);
        if (t % 3 == 0) {  // a new component
          std::string id = "eth" + std::to_string(t);
          Oid oid = txn->put(spec(devicePath(w, d), cls::kInterface, id));
          changes.emplace(0, oid);
          created.emplace_back(devicePath(w, d) + "/os/interfaces/" + id, oid);
        } else if (t % 3 == 2 && !created.empty()) {  // and one removed again
          txn->remove(created.back().first);
          changes.emplace(0, created.back().second);
          created.pop_back();
        }
        std::int64_t tid = txn->commit();
        ASSERT_GT(tid, 0);
        for (const auto& c : changes) committed[w].emplace(tid, c.second);
      }
      --running;
    });
  }
  auto deadline = Clock::now() + std::chrono::seconds(60);
  size_t polls = 0;
  while (running > 0 && Clock::now() < deadline) {
    reader_.poll();
    ++polls;
  }
  for (auto& t : writers) t.join();
  reader_.poll();  // what committed after the last poll in the loop

  Seen expected = setupSeen_;
  for (const auto& c : committed) expected.insert(c.begin(), c.end());
  EXPECT_EQ(reader_.seen(), expected);
  EXPECT_EQ(reader_.cursor(), 1 + kWriters * kTransactions);
  EXPECT_GT(polls, 0u);
}

// Transaction A takes its tid and then stalls before COMMIT; B, started later, wants to commit
// meanwhile. Neither may show before A is visible, and both must show exactly once after.
TEST_P(FeedConcurrencyTest, ATransactionStalledBeforeCommitIsNotSkipped) {
  std::promise<std::int64_t> aHolding;
  std::promise<void> releaseA;
  std::shared_future<void> released = releaseA.get_future().share();
  OpenOptions holdOptions;
  holdOptions.beforeCommit = [&](std::int64_t tid) {
    aHolding.set_value(tid);
    released.wait();
  };
  auto storeA = test_.open(holdOptions);
  auto storeB = test_.open();
  Oid oidA = 0;
  Oid oidB = 0;
  std::int64_t tidA = 0;
  std::int64_t tidB = 0;
  std::thread a([&] {
    auto txn = storeA->write();
    oidA = txn->put(spec(devicePath(0, 0), cls::kInterface, "a"));
    tidA = txn->commit();
  });
  auto holding = aHolding.get_future();
  ASSERT_EQ(holding.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(reader_.poll(), 0u) << "A's change showed before A committed";

  std::promise<void> bStarted;
  std::thread b([&] {
    bStarted.set_value();
    auto txn = storeB->write();  // SQLite: waits here for A's write lock
    oidB = txn->put(spec(devicePath(1, 0), cls::kInterface, "b"));
    tidB = txn->commit();  // PostgreSQL: waits here for the counter row A holds
  });
  bStarted.get_future().wait();
  if (GetParam() == Backend::kPostgres) {
    // Wait (with a deadline) until B is really blocked behind A in the server.
    auto deadline = Clock::now() + std::chrono::seconds(30);
    while (testing::postgresQuery(testing::postgresBaseUri(), "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                       "WHERE NOT l.granted AND a.query LIKE 'UPDATE feed_state%'") == "0") {
      ASSERT_LT(Clock::now(), deadline) << "B never blocked on A";
    }
  }
  EXPECT_EQ(reader_.poll(), 0u) << "a change showed while A was still uncommitted";
  releaseA.set_value();
  a.join();
  b.join();
  reader_.poll();
  EXPECT_EQ(tidB, tidA + 1);
  Seen expected = setupSeen_;
  expected.emplace(tidA, oidA);
  expected.emplace(tidB, oidB);
  EXPECT_EQ(reader_.seen(), expected);
}

// The case that loses changes with a naive "sequence > last seen" poll: A takes its oid from
// the sequence first but commits last. (SQLite serialises writers, so this only interleaves on
// PostgreSQL; on SQLite it runs serially and must hold all the same.)
TEST_P(FeedConcurrencyTest, ACommitLandingAfterALaterSequenceValueIsNotSkipped) {
  auto storeA = test_.open();
  auto storeB = test_.open();
  Oid oidA = 0;
  Oid oidB = 0;
  std::int64_t tidA = 0;
  std::int64_t tidB = 0;
  if (GetParam() == Backend::kPostgres) {
    auto txnA = storeA->write();
    oidA = txnA->put(spec(devicePath(0, 0), cls::kInterface, "a"));  // the smaller oid
    {
      auto txnB = storeB->write();
      oidB = txnB->put(spec(devicePath(1, 0), cls::kInterface, "b"));
      tidB = txnB->commit();  // committed first
    }
    EXPECT_LT(oidA, oidB);
    EXPECT_EQ(reader_.poll(), 1u);  // sees B, and must still see A later
    tidA = txnA->commit();
  } else {
    auto txnA = storeA->write();
    oidA = txnA->put(spec(devicePath(0, 0), cls::kInterface, "a"));
    tidA = txnA->commit();
    auto txnB = storeB->write();
    oidB = txnB->put(spec(devicePath(1, 0), cls::kInterface, "b"));
    tidB = txnB->commit();
  }
  reader_.poll();
  Seen expected = setupSeen_;
  expected.emplace(tidA, oidA);
  expected.emplace(tidB, oidB);
  EXPECT_EQ(reader_.seen(), expected);
}

// Writers in separate processes (zenhubctl model set, in shell loops) while this process polls.
TEST_P(FeedConcurrencyTest, WriterProcessesEveryCommittedChangeSeenExactlyOnce) {
  constexpr int kSets = 8;
  std::vector<std::unique_ptr<testing::Child>> children;
  for (int w = 0; w < kWriters; ++w) {
    std::string script = "for i in $(seq 1 " + std::to_string(kSets) + "); do \"$0\" model --json --store \"$1\" set \"$2\" counter=$i || exit 1; done";
    children.push_back(std::make_unique<testing::Child>(
        std::vector<std::string>{"/bin/sh", "-c", script, testing::zenhubctl(), test_.uri(), devicePath(w, 0)},
        test_.dir()));
  }
  auto deadline = Clock::now() + std::chrono::seconds(60);
  auto anyRunning = [&] {
    for (auto& c : children) {
      if (c->running()) return true;
    }
    return false;
  };
  while (anyRunning() && Clock::now() < deadline) reader_.poll();
  Seen expected = setupSeen_;
  std::regex tidPattern("\\{\"tid\":([0-9]+)\\}");
  auto read = store_->read();
  for (int w = 0; w < kWriters; ++w) {
    testing::ProcessResult r = children[w]->wait();
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Oid oid = read->get(devicePath(w, 0))->oid;
    int count = 0;
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), tidPattern), end; it != end; ++it) {
      expected.emplace(std::stoll((*it)[1].str()), oid);
      ++count;
    }
    EXPECT_EQ(count, kSets) << r.out;
  }
  read.reset();
  reader_.poll();
  EXPECT_EQ(reader_.seen(), expected);
}

ZENHUB_INSTANTIATE_FOR_BACKEND(FeedConcurrencyTest);

}  // namespace
}  // namespace zenhub::store
