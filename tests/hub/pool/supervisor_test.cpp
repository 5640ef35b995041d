// The supervisor's policy, driven by hand with a manual clock: no processes, no sleeps.
#include "hub/pool/supervisor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace zenhub::hub::pool {
namespace {

using namespace std::chrono_literals;
using Kind = Action::Kind;

std::vector<Action> only(const std::vector<Action>& actions, Kind kind) {
  std::vector<Action> out;
  std::copy_if(actions.begin(), actions.end(), std::back_inserter(out), [kind](const Action& a) { return a.kind == kind; });
  return out;
}

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorConfig config() {
    SupervisorConfig c;
    c.workers = 2;
    c.crashWindow = 10s;
    c.crashLoopThreshold = 2;
    c.backoffInitial = 1s;
    c.backoffMax = 8s;
    c.stopGrace = 5s;
    return c;
  }
  // Starts and readies every worker; returns their ids.
  std::vector<WorkerId> startReady(Supervisor& s) {
    std::vector<WorkerId> ids;
    for (const auto& a : s.start(now_)) ids.push_back(a.worker);
    for (auto id : ids) s.onReady(id, now_);
    return ids;
  }
  TimePoint now_ = TimePoint{} + 1000s;
};

TEST_F(SupervisorTest, SpawnsUpToTheConfiguredCount) {
  Supervisor s(config());
  auto actions = s.start(now_);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].kind, Kind::kSpawn);
  EXPECT_EQ(actions[1].kind, Kind::kSpawn);
  EXPECT_NE(actions[0].slot, actions[1].slot);
  EXPECT_EQ(s.live(), 2u);
  EXPECT_TRUE(s.onTimer(now_ + 1h).empty());  // nothing more to spawn, ever
  EXPECT_EQ(s.live(), 2u);
}

TEST_F(SupervisorTest, RespawnsExactlyOncePerExit) {
  Supervisor s(config());
  auto ids = startReady(s);
  now_ += 60s;  // long-lived: not a crash
  auto actions = s.onExit(ids[0], now_);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Kind::kSpawn);
  EXPECT_EQ(actions[0].slot, s.slotOf(actions[0].worker));
  EXPECT_TRUE(s.onExit(ids[0], now_).empty());  // a second report of the same exit
  EXPECT_EQ(s.live(), 2u);
  EXPECT_EQ(s.restarts(actions[0].slot), 1);
}

TEST_F(SupervisorTest, LostPipeStopsTheWorkerButSpawnsNothing) {
  Supervisor s(config());
  auto ids = startReady(s);
  auto actions = s.onLostPipe(ids[0], now_);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Kind::kTerminate);
  EXPECT_FALSE(s.accepts(ids[0]));
  EXPECT_TRUE(only(s.onTimer(now_ + 1s), Kind::kSpawn).empty());
  EXPECT_EQ(s.live(), 2u);  // still counted until its exit
  now_ += 60s;
  EXPECT_EQ(only(s.onExit(ids[0], now_), Kind::kSpawn).size(), 1u);
}

TEST_F(SupervisorTest, NothingSpawnsAfterTheShutdownFlag) {
  Supervisor s(config());
  auto ids = startReady(s);
  s.beginShutdown();
  EXPECT_TRUE(s.onExit(ids[0], now_ + 60s).empty());
  EXPECT_TRUE(s.resize(4, now_).empty() || only(s.resize(4, now_), Kind::kSpawn).empty());
  EXPECT_TRUE(s.onTimer(now_ + 1h).empty());
  auto stops = s.stopAll(now_);
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].kind, Kind::kTerminate);
  EXPECT_TRUE(s.onExit(ids[1], now_ + 61s).empty());
  EXPECT_EQ(s.live(), 0u);
}

TEST_F(SupervisorTest, ShutdownCancelsAPendingBackoffSpawn) {
  auto c = config();
  c.workers = 1;
  Supervisor s(c);
  auto first = s.start(now_)[0].worker;
  auto second = s.onExit(first, now_ + 1s)[0].worker;    // quick death 1: at once
  auto actions = s.onExit(second, now_ + 2s);            // quick death 2: backoff
  ASSERT_EQ(only(actions, Kind::kCrashLoop).size(), 1u);
  s.beginShutdown();
  EXPECT_FALSE(s.nextWakeup().has_value());
  EXPECT_TRUE(s.onTimer(now_ + 1h).empty());
}

TEST_F(SupervisorTest, CrashLoopBackoffGrowsAndIsCapped) {
  auto c = config();
  c.workers = 1;
  Supervisor s(c);
  WorkerId id = s.start(now_)[0].worker;
  // First quick death: respawn at once (one death is not a loop).
  auto actions = s.onExit(id, now_ + 100ms);
  ASSERT_EQ(actions.size(), 1u);
  ASSERT_EQ(actions[0].kind, Kind::kSpawn);
  id = actions[0].worker;
  now_ += 100ms;
  std::vector<Duration> backoffs;
  for (int i = 0; i < 6; ++i) {
    now_ += 100ms;
    actions = s.onExit(id, now_);
    ASSERT_EQ(actions.size(), 1u);
    ASSERT_EQ(actions[0].kind, Kind::kCrashLoop);
    EXPECT_EQ(actions[0].crashes, i + 2);
    backoffs.push_back(actions[0].backoff);
    // Nothing before the backoff has passed; exactly one spawn after.
    EXPECT_EQ(s.nextWakeup(), now_ + actions[0].backoff);
    EXPECT_TRUE(s.onTimer(now_ + actions[0].backoff - 1ms).empty());
    now_ += actions[0].backoff;
    auto spawned = s.onTimer(now_);
    ASSERT_EQ(spawned.size(), 1u);
    ASSERT_EQ(spawned[0].kind, Kind::kSpawn);
    EXPECT_TRUE(s.onTimer(now_).empty());
    id = spawned[0].worker;
  }
  EXPECT_EQ(backoffs, (std::vector<Duration>{1s, 2s, 4s, 8s, 8s, 8s}));
  EXPECT_EQ(s.live(), 1u);
}

TEST_F(SupervisorTest, AWorkerThatLivedPastTheWindowResetsTheCrashCount) {
  auto c = config();
  c.workers = 1;
  Supervisor s(c);
  WorkerId id = s.start(now_)[0].worker;
  id = s.onExit(id, now_ + 1s)[0].worker;  // crash 1
  now_ += 1s;
  s.onReady(id, now_);
  now_ += 30s;
  auto actions = s.onExit(id, now_);  // lived 30 s: not a crash
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Kind::kSpawn);
  EXPECT_EQ(s.consecutiveCrashes(), 0);
}

TEST_F(SupervisorTest, HungWorkerGetsTermThenKillAfterTheGraceAndIsReplacedOnExit) {
  Supervisor s(config());
  auto ids = startReady(s);
  s.onCallStart(ids[0]);
  auto actions = s.onHung(ids[0], now_);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Kind::kTerminate);
  EXPECT_EQ(actions[0].reason, StopReason::kHung);
  EXPECT_TRUE(s.onHung(ids[0], now_).empty());  // already stopping
  EXPECT_EQ(s.nextWakeup(), now_ + 5s);
  EXPECT_TRUE(s.onTimer(now_ + 4s).empty());
  auto kills = s.onTimer(now_ + 5s);
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0].kind, Kind::kKill);
  EXPECT_TRUE(s.onTimer(now_ + 6s).empty());  // one KILL
  // Replaced through the exit handler, at once (we killed it: not a crash, even though young).
  auto exit = s.onExit(ids[0], now_ + 6s);
  ASSERT_EQ(exit.size(), 1u);
  EXPECT_EQ(exit[0].kind, Kind::kSpawn);
  EXPECT_EQ(s.consecutiveCrashes(), 0);
}

TEST_F(SupervisorTest, RollingRecycleKeepsAReadyWorkerAtEveryStep) {
  auto c = config();
  c.callLimit = 3;
  Supervisor s(c);
  auto ids = startReady(s);
  // Both reach the limit together.
  std::vector<Action> actions;
  for (auto id : ids) {
    s.onCallStart(id);
    auto a = s.onCallDone(id, 3, now_);
    actions.insert(actions.end(), a.begin(), a.end());
  }
  auto stops = only(actions, Kind::kTerminate);
  ASSERT_EQ(stops.size(), 1u);  // one at a time
  EXPECT_EQ(stops[0].reason, StopReason::kRecycle);
  WorkerId first = stops[0].worker;
  WorkerId other = first == ids[0] ? ids[1] : ids[0];
  EXPECT_TRUE(s.accepts(other));
  EXPECT_GE(s.readyCount(), 1u);
  now_ += 1s;
  auto respawn = s.onExit(first, now_);
  ASSERT_EQ(only(respawn, Kind::kSpawn).size(), 1u);
  EXPECT_TRUE(only(respawn, Kind::kTerminate).empty());  // the other waits for the replacement
  EXPECT_EQ(s.readyCount(), 1u);
  // The other one is still due; it goes once the replacement is ready and it has finished.
  WorkerId replacement = only(respawn, Kind::kSpawn)[0].worker;
  s.onCallStart(other);  // busy when the replacement comes up
  EXPECT_TRUE(s.onReady(replacement, now_).empty());
  EXPECT_FALSE(s.accepts(other));  // retiring now
  auto next = s.onCallDone(other, 4, now_);
  auto stops2 = only(next, Kind::kTerminate);
  ASSERT_EQ(stops2.size(), 1u);
  EXPECT_EQ(stops2[0].worker, other);
  EXPECT_TRUE(s.accepts(replacement));
  EXPECT_EQ(s.live(), 2u);
}

TEST_F(SupervisorTest, BusyRetiringWorkerIsStoppedOnlyWhenItsCallEnds) {
  auto c = config();
  c.rssLimitBytes = 100;
  Supervisor s(c);
  auto ids = startReady(s);
  s.onCallStart(ids[0]);
  EXPECT_TRUE(s.onRss(ids[0], 200, now_).empty());  // retiring, but busy
  EXPECT_FALSE(s.accepts(ids[0]));
  auto done = s.onCallDone(ids[0], 1, now_);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].kind, Kind::kTerminate);
  EXPECT_EQ(done[0].reason, StopReason::kRecycle);
}

TEST_F(SupervisorTest, OneWorkerPoolStillRecycles) {
  auto c = config();
  c.workers = 1;
  c.callLimit = 1;
  Supervisor s(c);
  auto ids = startReady(s);
  s.onCallStart(ids[0]);
  auto actions = s.onCallDone(ids[0], 1, now_);
  ASSERT_EQ(only(actions, Kind::kTerminate).size(), 1u);
  EXPECT_EQ(only(s.onExit(ids[0], now_ + 1ms), Kind::kSpawn).size(), 1u);
}

TEST_F(SupervisorTest, ResizeDownRetiresExtraWorkersWithoutReplacingThem) {
  Supervisor s(config());
  auto ids = startReady(s);
  auto actions = s.resize(1, now_);
  auto stops = only(actions, Kind::kTerminate);
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].slot, 1);
  EXPECT_TRUE(s.onExit(stops[0].worker, now_ + 60s).empty());
  EXPECT_EQ(s.live(), 1u);
  auto grow = s.resize(3, now_);
  EXPECT_EQ(only(grow, Kind::kSpawn).size(), 2u);
  EXPECT_EQ(s.live(), 3u);
}

TEST_F(SupervisorTest, TheRestartCountNeverGoesDownWhenAPoolShrinks) {
  Supervisor s(config());
  auto ids = startReady(s);
  now_ += 60s;
  auto first = only(s.onExit(ids[1], now_), Kind::kSpawn);  // slot 1 restarted once
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(s.restartsTotal(), 1u);
  // Slot 1 goes away with a resize: a sum over the slots would drop; the counter does not.
  auto stops = only(s.resize(1, now_), Kind::kTerminate);
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_TRUE(s.onExit(stops[0].worker, now_ + 1s).empty());
  EXPECT_EQ(s.restartsTotal(), 1u);
  now_ += 60s;
  ASSERT_EQ(only(s.onExit(ids[0], now_), Kind::kSpawn).size(), 1u);
  EXPECT_EQ(s.restartsTotal(), 2u);
}

TEST_F(SupervisorTest, NeverRunsMoreThanTheCountWhateverHappens) {
  Supervisor s(config());
  std::vector<WorkerId> live;
  for (const auto& a : s.start(now_)) live.push_back(a.worker);
  // A storm of exits, pipe losses and hangs, each followed by the timer.
  for (int round = 0; round < 50; ++round) {
    now_ += 3s;
    WorkerId victim = live[static_cast<size_t>(round) % live.size()];
    std::vector<Action> actions;
    if (round % 3 == 0) actions = s.onLostPipe(victim, now_);
    if (round % 3 == 1) actions = s.onHung(victim, now_);
    auto exit = s.onExit(victim, now_);
    actions.insert(actions.end(), exit.begin(), exit.end());
    auto timer = s.onTimer(now_ + 100s);
    actions.insert(actions.end(), timer.begin(), timer.end());
    live.erase(std::find(live.begin(), live.end(), victim));
    for (const auto& a : actions) {
      if (a.kind == Kind::kSpawn) live.push_back(a.worker);
    }
    ASSERT_LE(s.live(), 2u);
    ASSERT_EQ(live.size(), s.live());
  }
}

// ---- the dispatch rule: which worker gets the next call ---------------------------------

TEST_F(SupervisorTest, NextCallGoesToAnIdleWorkerBeforeAnyIsPipelined) {
  auto c = config();
  c.pipeline = 4;
  Supervisor s(c);
  auto ids = startReady(s);
  EXPECT_EQ(s.nextWorker(), ids[0]);  // both idle: the lowest id
  s.onCallStart(ids[0]);
  EXPECT_EQ(s.nextWorker(), ids[1]);  // idle beats busy
  s.onCallStart(ids[1]);
  EXPECT_EQ(s.inFlight(ids[0]), 1u);
  EXPECT_EQ(s.inFlight(ids[1]), 1u);
  // None idle: a busy one gets a second call only now.
  EXPECT_EQ(s.nextWorker(), ids[0]);
  s.onCallStart(ids[0]);
  EXPECT_EQ(s.nextWorker(), ids[1]);  // the least loaded
  s.onCallDone(ids[1], 1, now_);
  EXPECT_EQ(s.nextWorker(), ids[1]);  // idle again
}

TEST_F(SupervisorTest, PipelinesUpToTheDepthThenTheCallWaits) {
  auto c = config();
  c.pipeline = 3;
  Supervisor s(c);
  auto ids = startReady(s);
  std::map<WorkerId, int> given;
  int total = 0;
  while (auto next = s.nextWorker()) {
    ++given[*next];
    s.onCallStart(*next);
    ASSERT_LE(++total, 6);
  }
  EXPECT_EQ(given[ids[0]], 3);
  EXPECT_EQ(given[ids[1]], 3);
  // One answer frees one place, on that worker.
  s.onCallDone(ids[1], 1, now_);
  EXPECT_EQ(s.nextWorker(), ids[1]);
  // A call taken back (its worker lost) frees its place too.
  s.onCallStart(ids[1]);
  s.onCallAbandoned(ids[0]);
  EXPECT_EQ(s.nextWorker(), ids[0]);
}

TEST_F(SupervisorTest, ABusyWorkerTakesAnotherCallOnlyWhileItsCallsAreExpectedWithinTheWindow) {
  auto c = config();
  c.workers = 1;
  c.pipeline = 8;
  c.pipelineWindow = std::chrono::milliseconds(10);
  Supervisor s(c);
  auto ids = startReady(s);
  using std::chrono::milliseconds;
  s.onCallStart(ids[0], milliseconds(4));
  EXPECT_EQ(s.nextWorker(), ids[0]);  // 4 ms expected on it: below the window
  s.onCallStart(ids[0], milliseconds(4));
  EXPECT_EQ(s.nextWorker(), ids[0]);  // 8 ms
  s.onCallStart(ids[0], milliseconds(4));
  EXPECT_EQ(s.backlog(ids[0]), milliseconds(12));
  EXPECT_FALSE(s.nextWorker().has_value());  // 12 ms: the next call waits, with depth to spare
  s.onCallDone(ids[0], 1, now_, milliseconds(4));
  EXPECT_EQ(s.nextWorker(), ids[0]);  // 8 ms again
  s.onCallAbandoned(ids[0], milliseconds(4));
  s.onCallDone(ids[0], 2, now_, milliseconds(4));
  EXPECT_EQ(s.inFlight(ids[0]), 0u);
  EXPECT_EQ(s.backlog(ids[0]), Duration{0});
  // One call expected to take longer than the window: nothing behind it; an idle worker still
  // takes any call.
  EXPECT_EQ(s.nextWorker(), ids[0]);
  s.onCallStart(ids[0], milliseconds(50));
  EXPECT_FALSE(s.nextWorker().has_value());
  s.setLimits(0, 0, 8, Duration{0});  // no window (a reload): depth alone
  EXPECT_EQ(s.nextWorker(), ids[0]);
}

TEST_F(SupervisorTest, PipelineOfOneIsOneCallAtATime) {
  auto c = config();
  c.pipeline = 1;
  Supervisor s(c);
  auto ids = startReady(s);
  s.onCallStart(*s.nextWorker());
  s.onCallStart(*s.nextWorker());
  EXPECT_EQ(s.inFlight(ids[0]), 1u);
  EXPECT_EQ(s.inFlight(ids[1]), 1u);
  EXPECT_FALSE(s.nextWorker().has_value());
  s.setLimits(0, 0, 2, Duration{0});  // a reload deepens it
  EXPECT_TRUE(s.nextWorker().has_value());
}

TEST_F(SupervisorTest, OnlyReadyWorkersGetCalls) {
  auto c = config();
  c.pipeline = 4;
  Supervisor s(c);
  std::vector<WorkerId> ids;
  for (const auto& a : s.start(now_)) ids.push_back(a.worker);
  EXPECT_FALSE(s.nextWorker().has_value());  // still starting
  s.onReady(ids[1], now_);
  EXPECT_EQ(s.nextWorker(), ids[1]);
  s.onLostPipe(ids[1], now_);  // stopping
  EXPECT_FALSE(s.nextWorker().has_value());
  s.onReady(ids[0], now_);
  s.resize(0, now_);  // retiring
  EXPECT_FALSE(s.nextWorker().has_value());
}

TEST_F(SupervisorTest, RetiringWorkerStopsOnlyWhenItsLastPipelinedCallEnds) {
  auto c = config();
  c.pipeline = 4;
  c.rssLimitBytes = 100;
  Supervisor s(c);
  auto ids = startReady(s);
  for (int i = 0; i < 3; ++i) s.onCallStart(ids[0]);
  EXPECT_TRUE(s.onRss(ids[0], 200, now_).empty());  // retiring, three calls to finish
  EXPECT_FALSE(s.accepts(ids[0]));
  EXPECT_EQ(s.nextWorker(), ids[1]);
  EXPECT_TRUE(only(s.onCallDone(ids[0], 1, now_), Kind::kTerminate).empty());
  EXPECT_TRUE(only(s.onCallDone(ids[0], 2, now_), Kind::kTerminate).empty());
  auto last = only(s.onCallDone(ids[0], 3, now_), Kind::kTerminate);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].worker, ids[0]);
  EXPECT_EQ(last[0].reason, StopReason::kRecycle);
}

TEST_F(SupervisorTest, NothingIsPipelinedToAWorkerThatWasSentItsCallLimit) {
  auto c = config();
  c.workers = 1;
  c.pipeline = 4;
  c.callLimit = 3;
  Supervisor s(c);
  auto ids = startReady(s);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(s.nextWorker(), ids[0]);
    s.onCallStart(ids[0]);
  }
  EXPECT_FALSE(s.nextWorker().has_value());  // room in the pipeline, but the limit is reached
  s.onCallDone(ids[0], 1, now_);
  s.onCallDone(ids[0], 2, now_);
  auto stops = only(s.onCallDone(ids[0], 3, now_), Kind::kTerminate);
  ASSERT_EQ(stops.size(), 1u);  // recycled after exactly its limit
  EXPECT_EQ(stops[0].reason, StopReason::kRecycle);
}

TEST_F(SupervisorTest, AnIdleWorkerPastItsLimitStillServesWhileItsRecycleWaitsForCapacity) {
  auto c = config();
  c.pipeline = 4;
  c.callLimit = 1;
  Supervisor s(c);
  auto ids = startReady(s);
  s.onCallStart(ids[0]);
  s.onCallStart(ids[1]);
  auto first = only(s.onCallDone(ids[0], 1, now_), Kind::kTerminate);
  ASSERT_EQ(first.size(), 1u);  // ids[0] goes; ids[1] must wait until its replacement is ready
  EXPECT_TRUE(only(s.onCallDone(ids[1], 1, now_), Kind::kTerminate).empty());
  EXPECT_EQ(s.nextWorker(), ids[1]);  // capacity first: one call at a time
  s.onCallStart(ids[1]);
  EXPECT_FALSE(s.nextWorker().has_value());
}

}  // namespace
}  // namespace zenhub::hub::pool
