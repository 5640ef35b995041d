#include "store/feed_policy.h"

#include <gtest/gtest.h>

namespace zenhub::store {
namespace {

TEST(FeedPolicy, ReturnsEverythingAfterTheCursorUpToTheNewest) {
  FeedWindow w = decideFeedWindow(3, {10, 0}, 100);
  EXPECT_FALSE(w.resyncRequired);
  EXPECT_EQ(w.from, 3);
  EXPECT_EQ(w.to, 10);
  EXPECT_FALSE(w.more);
}

TEST(FeedPolicy, LimitsByTransactionsAndSaysMoreIsWaiting) {
  FeedWindow w = decideFeedWindow(3, {10, 0}, 4);
  EXPECT_EQ(w.to, 7);
  EXPECT_TRUE(w.more);
}

TEST(FeedPolicy, ACursorAtTheNewestGetsNothingAndStays) {
  FeedWindow w = decideFeedWindow(10, {10, 4}, 100);
  EXPECT_FALSE(w.resyncRequired);
  EXPECT_EQ(w.from, 10);
  EXPECT_EQ(w.to, 10);
}

TEST(FeedPolicy, ACursorBehindCompactionMustResyncFromTheNewest) {
  FeedWindow w = decideFeedWindow(3, {10, 4}, 100);
  EXPECT_TRUE(w.resyncRequired);
  EXPECT_EQ(w.to, 10);
  EXPECT_FALSE(decideFeedWindow(4, {10, 4}, 100).resyncRequired);  // exactly at the edge: complete
}

TEST(FeedPolicy, ACursorFromTheFutureMustResync) {
  EXPECT_TRUE(decideFeedWindow(11, {10, 0}, 100).resyncRequired);
  EXPECT_TRUE(decideFeedWindow(-1, {10, 0}, 100).resyncRequired);
}

}  // namespace
}  // namespace zenhub::store
