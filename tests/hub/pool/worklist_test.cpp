// The worklist and its weighted cycle: exact serving order, skipping empty queues, FIFO,
// retries at the front, the bound.
#include "hub/pool/worklist.h"

#include <gtest/gtest.h>

#include <map>

namespace zenhub::hub::pool {
namespace {

TEST(WeightedCycle, ThreePrioritiesMatchZenHub) {
  EXPECT_EQ(weightedCycle(3), (std::vector<size_t>{0, 0, 1, 0, 0, 1, 2, 0, 0, 1, 0}));
}

TEST(WeightedCycle, FivePrioritiesSpread31_15_7_3_1Over57Slots) {
  auto cycle = weightedCycle(5);
  ASSERT_EQ(cycle.size(), 57u);
  std::map<size_t, int> count;
  for (auto p : cycle) ++count[p];
  EXPECT_EQ(count, (std::map<size_t, int>{{0, 31}, {1, 15}, {2, 7}, {3, 3}, {4, 1}}));
}

TEST(Worklist, ServesInCycleOrderWhenEveryQueueHasWork) {
  Worklist w(1000);
  // Ids encode the priority: 100*p + n.
  for (auto p : kAllPriorities) {
    for (CallId n = 0; n < 40; ++n) ASSERT_TRUE(w.push(100 * static_cast<CallId>(p) + n, p));
  }
  auto cycle = weightedCycle(5);
  std::map<size_t, CallId> next;
  for (size_t i = 0; i < cycle.size(); ++i) {
    auto id = w.pop();
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(*id / 100, cycle[i]) << "slot " << i;
    EXPECT_EQ(*id % 100, next[cycle[i]]++) << "FIFO within priority " << cycle[i];
  }
}

TEST(Worklist, ExactOrderForAKnownInputSkippingEmptyQueues) {
  Worklist w(100);
  // Two EVENTS, one OTHER, one MODELING.
  w.push(1, Priority::kEvents);
  w.push(2, Priority::kEvents);
  w.push(3, Priority::kOther);
  w.push(4, Priority::kModeling);
  std::vector<CallId> order;
  while (auto id = w.pop()) order.push_back(*id);
  // Cycle 0,0,1,0,0,1,2,...: EVENTS, EVENTS, (SINGLE empty), (EVENTS empty)... OTHER at slot 6,
  // then MODELING at the first slot 4 (index 30 of the cycle).
  EXPECT_EQ(order, (std::vector<CallId>{1, 2, 3, 4}));
  EXPECT_TRUE(w.empty());
}

TEST(Worklist, ALoneLowPriorityCallRunsAtOnce) {
  Worklist w(10);
  w.push(7, Priority::kModeling);
  EXPECT_EQ(w.pop(), 7u);
  EXPECT_FALSE(w.pop().has_value());
}

TEST(Worklist, RetriedCallGoesToTheFrontOfItsQueue) {
  Worklist w(10);
  w.push(1, Priority::kConfig);
  w.push(2, Priority::kConfig);
  w.pushFront(9, Priority::kConfig);
  EXPECT_EQ(w.pop(), 9u);
  EXPECT_EQ(w.pop(), 1u);
  EXPECT_EQ(w.pop(), 2u);
}

TEST(Worklist, RefusesNewCallsWhenFullButNeverARetry) {
  Worklist w(2);
  EXPECT_TRUE(w.push(1, Priority::kOther));
  EXPECT_TRUE(w.push(2, Priority::kEvents));
  EXPECT_FALSE(w.push(3, Priority::kEvents));
  EXPECT_EQ(w.size(), 2u);
  w.pushFront(4, Priority::kOther);  // accepted once already
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w.size(Priority::kOther), 2u);
  w.pop();
  EXPECT_FALSE(w.push(5, Priority::kOther));  // 2 left: still full
  w.pop();
  EXPECT_TRUE(w.push(5, Priority::kOther));
}

TEST(Worklist, RemoveAndTakeAll) {
  Worklist w(10);
  w.push(1, Priority::kOther);
  w.push(2, Priority::kConfig);
  w.push(3, Priority::kEvents);
  EXPECT_TRUE(w.remove(2));
  EXPECT_FALSE(w.remove(2));
  EXPECT_EQ(w.takeAll(), (std::vector<CallId>{3, 1}));
  EXPECT_TRUE(w.empty());
}

}  // namespace
}  // namespace zenhub::hub::pool
