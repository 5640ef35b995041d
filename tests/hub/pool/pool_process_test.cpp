// The worker pool with real zenhubworker processes: round trip, kill -9 mid-call, a hung
// worker, a worker crashing at start, drain, SIGUSR2 under load.
#include <signal.h>

#include <filesystem>
#include <map>
#include <set>

#include "pool_fixture.h"
#include "rpc/errors.h"
#include "services.capnp.h"
#include "store/store.h"

namespace zenhub::hub::pool::testing {
namespace {

class PoolProcessTest : public PoolFixture {
 protected:
  // On a one-worker pool started with `config`: while a first TestService.sleep call runs, a
  // second call stays in the hub's queue instead of waiting on the worker.
  void expectTheSecondCallWaitsInTheHub(PoolConfig config);
};

TEST_F(PoolProcessTest, CallRoundTripThroughAWorker) {
  startPool(testConfig(2));
  auto service = testService();
  auto req = service.echoRequest();
  req.setText("hello through the pool");
  kj::Promise<capnp::Response<schema::TestService::EchoResults>> call = req.send();
  kj::Maybe<capnp::Response<schema::TestService::EchoResults>> response;
  auto got = call.then([&](auto&& r) { response = kj::mv(r); });
  ASSERT_TRUE(settle(got) == nullptr);
  EXPECT_EQ(std::string(KJ_ASSERT_NONNULL(response).getText().cStr()), "hello through the pool");
  // Names come from the workers' hello.
  EXPECT_TRUE(pool_->knowsService("TestService"));
  EXPECT_FALSE(pool_->knowsService("NoSuchService"));
  auto stats = pool_->stats();
  ASSERT_EQ(stats.methods.size(), 1u);
  EXPECT_EQ(stats.methods[0].name, "TestService.echo");
  EXPECT_EQ(stats.methods[0].count, 1u);
  EXPECT_EQ(stats.workers.size(), 2u);
  EXPECT_EQ(spawned_.size(), 2u);
}

TEST_F(PoolProcessTest, TheWorkersHelloSaysWhichServicesAreConfigServices) {
  char dir[] = "/tmp/zenhub-pool-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string uri = std::string("sqlite://") + dir + "/model.db";
  store::OpenOptions create;
  create.create = true;
  store::openStore(uri, create);
  startPool(testConfig(1), {"--store", uri, "--plugin-dir", ZENHUB_PLUGIN_DIR});
  EXPECT_FALSE(pool_->isConfigService("PingConfig"));  // nothing said yet
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  for (const char* name : {"PingConfig", "SnmpConfig", "CommandConfig", "ProcessConfig", "StatusConfig"}) {
    EXPECT_TRUE(pool_->isConfigService(name)) << name;
  }
  for (const char* name : {"EventService", "ModelerService", "TestService", "NoSuchService"}) {
    EXPECT_FALSE(pool_->isConfigService(name)) << name;
  }
  // The sample plugin's Inventory does not extend ConfigService.
  EXPECT_TRUE(pool_->knowsService("SampleInventory"));
  EXPECT_FALSE(pool_->isConfigService("SampleInventory"));
  pool_.reset();
  std::filesystem::remove_all(dir);
}

TEST_F(PoolProcessTest, BuiltInServicesRunInTheWorkerOnTheStore) {
  char dir[] = "/tmp/zenhub-pool-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string uri = std::string("sqlite://") + dir + "/model.db";
  store::OpenOptions create;
  create.create = true;
  store::openStore(uri, create);
  startPool(testConfig(1), {"--store", uri});
  capnp::Capability::Client cap = kj::heap<ForwardingService>(*pool_, "EventService", "localhost",
                                                              capnp::Schema::from<schema::EventService>());
  kj::Promise<capnp::Response<schema::EventService::GetDevicePingIssuesResults>> call =
      cap.castAs<schema::EventService>().getDevicePingIssuesRequest().send();
  size_t issues = 99;
  auto got = call.then([&](auto&& r) { issues = r.getIssues().size(); });
  auto error = settle(got);
  EXPECT_TRUE(error == nullptr) << KJ_ASSERT_NONNULL(error).getDescription().cStr();
  EXPECT_EQ(issues, 0u);
  EXPECT_TRUE(pool_->knowsService("PingConfig"));
  EXPECT_TRUE(pool_->knowsService("EventService"));
  EXPECT_EQ(pool_->stats().methods.at(0).name, "EventService.getDevicePingIssues");
  pool_.reset();
  std::filesystem::remove_all(dir);
}

TEST_F(PoolProcessTest, ServiceErrorsPassThroughAndUnknownServicesAreTyped) {
  startPool(testConfig(1));
  capnp::Capability::Client cap = kj::heap<ForwardingService>(*pool_, "NoSuchService", "localhost");
  auto req = cap.castAs<schema::TestService>().echoRequest();
  auto call = req.send().ignoreResult();
  auto error = settle(call);
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "unknownService");
  // The worker survived it.
  EXPECT_EQ(exited_.size(), 0u);
}

TEST_F(PoolProcessTest, KillNineOfABusyWorkerRetriesItsCallAndRespawnsExactlyOnce) {
  startPool(testConfig(2));
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 2; }));
  auto service = testService();
  auto req = service.sleepRequest();
  req.setMs(500);
  auto call = req.send().ignoreResult();
  int victim = 0;
  ASSERT_TRUE(runUntil([&]() {
    for (const auto& w : pool_->stats().workers) {
      if (w.busy) victim = w.pid;
    }
    return victim != 0;
  }));
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  auto error = settle(call);
  EXPECT_TRUE(error == nullptr) << KJ_ASSERT_NONNULL(error).getDescription().cStr();
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 3; }));
  EXPECT_EQ(spawned_.size(), 3u);  // exactly one replacement
  EXPECT_EQ(exited_, std::vector<int>{victim});
  EXPECT_LE(maxLive_, 2u);
  EXPECT_EQ(pool_->liveWorkers(), 2u);
  EXPECT_TRUE(pidGone(victim));
  EXPECT_EQ(pool_->stats().counters.retries, 1u);
  // Nothing else happens afterwards.
  runUntil([]() { return false; }, 300ms);
  EXPECT_EQ(spawned_.size(), 3u);
}

TEST_F(PoolProcessTest, AHungWorkerTimesOutItsCallAndIsReplaced) {
  auto config = testConfig(1);
  config.routes.push_back({{"TestService", "sleep"}, {"default", 300ms}});
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  int hung = readied_[0];
  auto req = testService().sleepRequest();
  req.setMs(60000);
  auto call = req.send().ignoreResult();
  auto error = settle(call);
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "timeout");
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 2; }));
  EXPECT_TRUE(pidGone(hung));
  EXPECT_EQ(spawned_.size(), 2u);
  EXPECT_EQ(pool_->stats().counters.timeouts, 1u);
  // The replacement serves.
  auto echo = testService().echoRequest();
  echo.setText("after");
  auto again = echo.send().ignoreResult();
  EXPECT_TRUE(settle(again) == nullptr);
}

// One deadline timer per pool: a call with a short timeout queued after one with a long
// timeout still times out on time, and the long one is answered when the worker is free.
TEST_F(PoolProcessTest, AQueuedCallTimesOutOnItsOwnDeadlineWhateverTheOthersQueuedBeforeIt) {
  auto config = testConfig(1);
  config.pipeline = 1;
  config.callTimeout = 10s;
  config.routes.push_back({{"TestService", "echo"}, {"default", 200ms}});
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  auto req = service.sleepRequest();
  req.setMs(1500);
  auto running = req.send().ignoreResult();  // takes the worker
  ASSERT_TRUE(runUntil([&]() { return pool_->inFlightCalls() == 1; }));
  auto longWait = service.pidRequest().send().ignoreResult();   // 10 s timeout, queued first
  auto shortWait = service.echoRequest().send().ignoreResult();  // 200 ms timeout, queued after it
  auto start = std::chrono::steady_clock::now();
  auto error = settle(shortWait);
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "timeout");
  EXPECT_NE(std::string(KJ_ASSERT_NONNULL(error).getDescription().cStr()).find("waited 200 ms for a worker"),
            std::string::npos);
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 1000ms);  // well before the running call frees the worker
  EXPECT_EQ(pool_->inFlightCalls(), 1u);  // a queue timeout stops no worker
  EXPECT_TRUE(settle(running) == nullptr);
  EXPECT_TRUE(settle(longWait) == nullptr);
  EXPECT_EQ(spawned_.size(), 1u);
  EXPECT_EQ(pool_->stats().counters.timeouts, 1u);
}

TEST_F(PoolProcessTest, AWorkerCrashingAtStartBacksOffRaisesAnEventAndThePoolStaysUsable) {
  auto config = testConfig(1);
  config.callTimeout = 400ms;
  startPool(config, {"--test-fail-start"});
  ASSERT_TRUE(runUntil([&]() { return crashLoops_.size() >= 5; }, 15s));
  std::vector<Duration> backoffs;
  for (auto& [crashes, backoff] : crashLoops_) backoffs.push_back(backoff);
  EXPECT_EQ(backoffs[0], Duration(50ms));
  EXPECT_EQ(backoffs[1], Duration(100ms));
  EXPECT_EQ(backoffs[2], Duration(200ms));
  EXPECT_EQ(backoffs[3], Duration(400ms));
  EXPECT_EQ(backoffs[4], Duration(400ms));  // capped
  EXPECT_LE(maxLive_, 1u);
  EXPECT_TRUE(readied_.empty());
  // Calls still get an answer (a timeout while no worker can take them), and stats work.
  auto call = testService().echoRequest().send().ignoreResult();
  auto error = settle(call);
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "timeout");
  EXPECT_GE(pool_->stats().counters.crashLoops, 5u);
  bool done = false;
  pool_->drain(1s, [&]() { done = true; });
  ASSERT_TRUE(runUntil([&]() { return done; }));
  EXPECT_EQ(pool_->liveWorkers(), 0u);
}

TEST_F(PoolProcessTest, DrainAnswersInFlightRejectsQueuedSpawnsNothingAndLeavesNoWorker) {
  auto config = testConfig(1);
  config.pipeline = 1;  // so that the two echoes stay queued in the hub (sent ones are in flight)
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  auto slow = service.sleepRequest();
  slow.setMs(300);
  auto inFlight = slow.send().ignoreResult();
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).busy; }));
  auto queued1 = service.echoRequest().send().ignoreResult();
  auto queued2 = service.echoRequest().send().ignoreResult();
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().queues.at(0).total() == 2; }));
  bool done = false;
  pool_->drain(5s, [&]() { done = true; });
  auto e1 = settle(queued1);
  auto e2 = settle(queued2);
  ASSERT_TRUE(e1 != nullptr && e2 != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(e1)), "shutdown");
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(e2)), "shutdown");
  auto late = service.echoRequest().send().ignoreResult();
  auto e3 = settle(late);
  ASSERT_TRUE(e3 != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(e3)), "shutdown");
  EXPECT_TRUE(settle(inFlight) == nullptr);  // answered
  ASSERT_TRUE(runUntil([&]() { return done; }));
  EXPECT_EQ(spawned_.size(), 1u);  // no respawn
  EXPECT_EQ(pool_->liveWorkers(), 0u);
  for (int pid : spawned_) EXPECT_TRUE(pidGone(pid)) << pid;
}

TEST_F(PoolProcessTest, DrainDeadlineStopsWorkersWithCallsStillRunning) {
  startPool(testConfig(2));
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 2; }));
  auto req = testService().sleepRequest();
  req.setMs(60000);
  auto stuck = req.send().ignoreResult();
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).busy || pool_->stats().workers.at(1).busy; }));
  bool done = false;
  pool_->drain(200ms, [&]() { done = true; });
  auto error = settle(stuck);
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "shutdown");
  ASSERT_TRUE(runUntil([&]() { return done; }));
  EXPECT_EQ(spawned_.size(), 2u);
  for (int pid : spawned_) EXPECT_TRUE(pidGone(pid)) << pid;
}

TEST_F(PoolProcessTest, Sigusr2UnderLoadGoesOnlyToReadyWorkersWhichLogTheirTable) {
  startPool(testConfig(2));
  EXPECT_EQ(pool_->forwardSigusr2(), 0);  // still starting: never signalled
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 2; }));
  auto service = testService();
  // Keep both workers busy while the signal arrives.
  std::vector<kj::Promise<void>> calls;
  for (int i = 0; i < 40; ++i) {
    auto req = service.sleepRequest();
    req.setMs(10);
    calls.push_back(req.send().ignoreResult());
  }
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().methods.size() == 1; }));
  // Ready long enough (worker_signal_min_age: 200 ms in this config).
  runUntil([]() { return false; }, 250ms);
  EXPECT_EQ(pool_->forwardSigusr2(), 2);
  ASSERT_TRUE(runUntil([&]() { return countInLog("worker stats pid=") == 2; }));
  for (auto& c : calls) EXPECT_TRUE(settle(c) == nullptr);
  EXPECT_TRUE(exited_.empty());
  EXPECT_EQ(spawned_.size(), 2u);
  // The workers' tables went through the hub's log with their ids.
  EXPECT_GE(countInLog("worker=default-0 pid="), 1u);
  // Each table has a line for the method both workers ran (the lines follow the header).
  EXPECT_TRUE(runUntil([&]() { return countInLog("TestService.sleep") >= 2; }));
  auto report = pool_->formatReport();
  EXPECT_EQ(report.at(0), "Worklist Stats:");
}

TEST_F(PoolProcessTest, RecyclingAfterTheCallLimitIsRollingAndKeepsAReadyWorker) {
  auto config = testConfig(2);
  config.callLimit = 3;
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 2; }));
  size_t minReadyAtExit = 99;
  auto service = testService();
  for (int i = 0; i < 12; ++i) {
    auto req = service.echoRequest();
    req.setText("x");
    auto call = req.send().ignoreResult();
    EXPECT_TRUE(settle(call) == nullptr) << i;
    size_t ready = 0;
    for (const auto& w : pool_->stats().workers) ready += w.state == "ready" ? 1 : 0;
    if (!exited_.empty()) minReadyAtExit = std::min(minReadyAtExit, ready);
  }
  EXPECT_TRUE(runUntil([&]() { return exited_.size() >= 2 && readied_.size() >= 4; }));  // recycled, replaced
  EXPECT_TRUE(crashLoops_.empty());
  EXPECT_GE(minReadyAtExit, 1u);
  EXPECT_LE(maxLive_, 2u);
  EXPECT_NE(countInLog("reason=recycle"), 0u);
}

TEST_F(PoolProcessTest, ReloadGrowsAndShrinksPoolsAndChangesRoutes) {
  startPool(testConfig(1));
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto bigger = testConfig(3);
  bigger.pools["slow"] = 1;
  bigger.routes.push_back({{"TestService", "sleep"}, {"slow", {}}});
  pool_->reload(bigger);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 4; }));
  auto req = testService().sleepRequest();
  req.setMs(1);
  auto call = req.send().ignoreResult();
  EXPECT_TRUE(settle(call) == nullptr);
  bool ranOnSlow = false;
  for (const auto& w : pool_->stats().workers) ranOnSlow |= w.pool == "slow" && w.callsServed == 1;
  EXPECT_TRUE(ranOnSlow);
  pool_->reload(testConfig(1));  // "slow" is gone from the config: scaled to zero
  ASSERT_TRUE(runUntil([&]() { return exited_.size() == 3; }));
  runUntil([]() { return false; }, 200ms);
  EXPECT_EQ(spawned_.size(), 4u);  // shrinking spawns nothing
  EXPECT_EQ(pool_->liveWorkers(), 1u);
  EXPECT_TRUE(pool_->ready());
}

// ---- several calls in flight on one worker (worker_pipeline) ------------------------------

TEST_F(PoolProcessTest, AnIdleWorkerGetsACallBeforeABusyOneGetsASecond) {
  auto config = testConfig(2);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 2; }));
  auto service = testService();
  std::vector<kj::Promise<void>> calls;
  // A TestService.sleep call: the worker answers after `ms` (a slow call), the test waits for events.
  auto slowCall = [&](uint32_t ms) {
    auto req = service.sleepRequest();
    req.setMs(ms);
    calls.push_back(req.send().ignoreResult());
  };
  slowCall(300);
  slowCall(300);
  ASSERT_TRUE(runUntil([&]() { return pool_->inFlightCalls() == 2; }));
  for (const auto& w : pool_->stats().workers) {
    EXPECT_TRUE(w.busy) << w.id;
    EXPECT_EQ(w.waiting, 0u) << w.id;  // one each, not two on one
  }
  slowCall(300);
  slowCall(300);
  ASSERT_TRUE(runUntil([&]() { return pool_->inFlightCalls() == 4; }));
  for (const auto& w : pool_->stats().workers) EXPECT_EQ(w.waiting, 1u) << w.id;
  EXPECT_EQ(pool_->stats().queues.at(0).total(), 0u);
  for (auto& c : calls) EXPECT_TRUE(settle(c) == nullptr);
}

// worker_pipeline_window: a busy worker gets another call only while the calls on it are
// expected (their methods' average times) to take less than the window in all.
TEST_F(PoolProcessTest, ACallIsPipelinedBehindFastCallsButWaitsInTheHubBehindSlowOnes) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = 100ms;
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  auto sleepCall = [&](uint32_t ms) {
    auto req = service.sleepRequest();
    req.setMs(ms);
    return req.send().ignoreResult();
  };
  // TestService.sleep measured fast: a few ms a call on average.
  for (int i = 0; i < 5; ++i) {
    auto warm = sleepCall(2);
    ASSERT_TRUE(settle(warm) == nullptr);
  }
  auto average = pool_->stats().methods.at(0).average();
  ASSERT_LT(average, 50ms);
  // Expected fast, so the next one goes to the worker behind it (this one runs 1 s).
  auto longRun = sleepCall(1000);
  auto behind = sleepCall(2);
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).waiting == 1; }));
  EXPECT_EQ(pool_->stats().queues.at(0).total(), 0u);
  ASSERT_TRUE(settle(longRun) == nullptr);
  ASSERT_TRUE(settle(behind) == nullptr);
  // The 1 s run made the method's average slow (over 100 ms now): nothing is pipelined
  // behind it any more; the next call waits in the hub's queue for the worker to be free.
  ASSERT_GT(pool_->stats().methods.at(0).average(), 100ms);
  auto slow = sleepCall(300);
  auto next = sleepCall(2);
  ASSERT_TRUE(runUntil([&]() {
    auto stats = pool_->stats();
    return stats.workers.at(0).busy && stats.queues.at(0).total() == 1;
  }));
  EXPECT_EQ(pool_->stats().workers.at(0).waiting, 0u);
  EXPECT_TRUE(settle(slow) == nullptr);
  EXPECT_TRUE(settle(next) == nullptr);
}

void PoolProcessTest::expectTheSecondCallWaitsInTheHub(PoolConfig config) {
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  auto req = service.sleepRequest();
  req.setMs(200);
  auto first = req.send().ignoreResult();
  auto second = service.echoRequest().send().ignoreResult();
  ASSERT_TRUE(runUntil([&]() { return pool_->inFlightCalls() == 1 && pool_->stats().queues.at(0).total() == 1; }));
  EXPECT_EQ(pool_->stats().workers.at(0).waiting, 0u);
  EXPECT_TRUE(settle(first) == nullptr);
  EXPECT_TRUE(settle(second) == nullptr);
}

TEST_F(PoolProcessTest, NothingIsPipelinedBehindTheFirstCallOfAMethod) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = 100ms;  // TestService.sleep was never measured: taken to be slow
  expectTheSecondCallWaitsInTheHub(config);
}

TEST_F(PoolProcessTest, APipelineOfOneKeepsFurtherCallsInTheHubsQueue) {
  auto config = testConfig(1);
  config.pipeline = 1;
  expectTheSecondCallWaitsInTheHub(config);
}

TEST_F(PoolProcessTest, KillNineOfAWorkerWithThreeCallsInFlightAnswersAllThreeAfterRetry) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  int victim = readied_[0];
  auto service = testService();
  auto req = service.sleepRequest();
  req.setMs(500);
  auto running = req.send().ignoreResult();
  kj::Promise<capnp::Response<schema::TestService::PidResults>> behind1 = service.pidRequest().send();
  kj::Promise<capnp::Response<schema::TestService::PidResults>> behind2 = service.pidRequest().send();
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).waiting == 2; }));
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  int pid1 = 0, pid2 = 0;
  auto got1 = behind1.then([&](auto&& r) { pid1 = r.getPid(); });
  auto got2 = behind2.then([&](auto&& r) { pid2 = r.getPid(); });
  auto e0 = settle(running);
  auto e1 = settle(got1);
  auto e2 = settle(got2);
  EXPECT_TRUE(e0 == nullptr) << KJ_ASSERT_NONNULL(e0).getDescription().cStr();
  EXPECT_TRUE(e1 == nullptr) << KJ_ASSERT_NONNULL(e1).getDescription().cStr();
  EXPECT_TRUE(e2 == nullptr) << KJ_ASSERT_NONNULL(e2).getDescription().cStr();
  ASSERT_EQ(readied_.size(), 2u);
  EXPECT_EQ(pid1, readied_[1]);  // the replacement answered them
  EXPECT_EQ(pid2, readied_[1]);
  EXPECT_EQ(spawned_.size(), 2u);  // exactly one replacement
  EXPECT_EQ(exited_, std::vector<int>{victim});
  auto stats = pool_->stats();
  EXPECT_EQ(stats.counters.retries, 3u);  // all three went back to the queue, once
  EXPECT_EQ(stats.counters.timeouts, 0u);
  EXPECT_EQ(pool_->inFlightCalls(), 0u);
}

TEST_F(PoolProcessTest, ACallThatKillsItsWorkerFailsAfterItsRetriesAndOnlyItsRunsCount) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  config.retries = 2;
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  // Each worker dies running `crash`; the two calls behind it never run there.
  auto poison = service.crashRequest().send().ignoreResult();
  kj::Promise<capnp::Response<schema::TestService::PidResults>> behind1 = service.pidRequest().send();
  kj::Promise<capnp::Response<schema::TestService::PidResults>> behind2 = service.pidRequest().send();
  int pid1 = 0, pid2 = 0;
  auto got1 = behind1.then([&](auto&& r) { pid1 = r.getPid(); });
  auto got2 = behind2.then([&](auto&& r) { pid2 = r.getPid(); });
  auto error = settle(poison, 15s);
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "internal");
  EXPECT_NE(std::string(KJ_ASSERT_NONNULL(error).getDescription().cStr()).find("3 attempts"), std::string::npos);
  // Requeued three times with it, but never run: not failed for it.
  auto e1 = settle(got1, 15s);
  auto e2 = settle(got2, 15s);
  EXPECT_TRUE(e1 == nullptr) << KJ_ASSERT_NONNULL(e1).getDescription().cStr();
  EXPECT_TRUE(e2 == nullptr) << KJ_ASSERT_NONNULL(e2).getDescription().cStr();
  ASSERT_EQ(readied_.size(), 4u);  // three killed by it, the fourth answers
  EXPECT_EQ(pid1, readied_[3]);
  EXPECT_EQ(pid2, readied_[3]);
  EXPECT_EQ(exited_.size(), 3u);
  EXPECT_LE(maxLive_, 1u);
}

TEST_F(PoolProcessTest, AHungCallTimesOutAndTheCallsWaitingBehindItAreAnsweredByTheReplacement) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  config.routes.push_back({{"TestService", "sleep"}, {"default", 300ms}});
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  int hung = readied_[0];
  auto service = testService();
  auto req = service.sleepRequest();
  req.setMs(60000);
  auto stuck = req.send().ignoreResult();
  kj::Promise<capnp::Response<schema::TestService::PidResults>> behind1 = service.pidRequest().send();
  kj::Promise<capnp::Response<schema::TestService::PidResults>> behind2 = service.pidRequest().send();
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).waiting == 2; }));
  int pid1 = 0, pid2 = 0;
  auto got1 = behind1.then([&](auto&& r) { pid1 = r.getPid(); });
  auto got2 = behind2.then([&](auto&& r) { pid2 = r.getPid(); });
  auto error = settle(stuck);
  ASSERT_TRUE(error != nullptr);
  EXPECT_EQ(rpc::errorCodeOf(KJ_ASSERT_NONNULL(error)), "timeout");
  auto e1 = settle(got1);
  auto e2 = settle(got2);
  EXPECT_TRUE(e1 == nullptr) << KJ_ASSERT_NONNULL(e1).getDescription().cStr();
  EXPECT_TRUE(e2 == nullptr) << KJ_ASSERT_NONNULL(e2).getDescription().cStr();
  ASSERT_EQ(readied_.size(), 2u);
  EXPECT_EQ(pid1, readied_[1]);
  EXPECT_EQ(pid2, readied_[1]);
  EXPECT_TRUE(runUntil([&]() { return pidGone(hung); }));
  auto stats = pool_->stats();
  EXPECT_EQ(stats.counters.timeouts, 1u);  // only the hung one
  EXPECT_EQ(stats.counters.retries, 2u);   // the two behind it, requeued, not at fault
  EXPECT_EQ(spawned_.size(), 2u);
  EXPECT_EQ(countInLog("event=call_timeout pool=default worker=default-0 method=TestService.sleep"), 1u);
}

TEST_F(PoolProcessTest, APipelinedCallsTimeoutCountsFromWhenItStartsRunningNotFromWhenItWasSent) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  config.routes.push_back({{"TestService", "sleep"}, {"default", 400ms}});
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  // Three calls of 150 ms each on one worker: the last one answers about 450 ms after it was
  // sent, but it ran for 150 ms only.
  std::vector<kj::Promise<void>> calls;
  for (int i = 0; i < 3; ++i) {
    auto req = service.sleepRequest();
    req.setMs(150);
    calls.push_back(req.send().ignoreResult());
  }
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).waiting == 2; }));
  auto start = std::chrono::steady_clock::now();
  for (auto& c : calls) {
    auto error = settle(c);
    EXPECT_TRUE(error == nullptr) << KJ_ASSERT_NONNULL(error).getDescription().cStr();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms);  // they did run one after another
  auto stats = pool_->stats();
  EXPECT_EQ(stats.counters.timeouts, 0u);
  EXPECT_EQ(spawned_.size(), 1u);
  ASSERT_EQ(stats.methods.size(), 1u);
  EXPECT_EQ(stats.methods[0].count, 3u);
  // Each call's time is its own run, not its wait behind the others.
  EXPECT_LT(stats.methods[0].max, Nanos(300ms));
}

TEST_F(PoolProcessTest, CallsWaitingOnAWorkerShowInTheHubsReportAndTheWorkersTable) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  startPool(config, {"--log-level", "debug"});  // the worker logs each call it starts
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  runUntil([]() { return false; }, 250ms);  // ready long enough for SIGUSR2 (200 ms here)
  auto service = testService();
  auto req = service.sleepRequest();
  req.setMs(1000);
  std::vector<kj::Promise<void>> calls;
  calls.push_back(req.send().ignoreResult());
  calls.push_back(service.echoRequest().send().ignoreResult());
  calls.push_back(service.echoRequest().send().ignoreResult());
  ASSERT_TRUE(runUntil([&]() { return pool_->stats().workers.at(0).waiting == 2; }));
  bool shown = false;
  for (const auto& line : pool_->formatReport()) {
    shown |= line.find("default-0:Busy [TestService.sleep") != std::string::npos &&
             line.find("(+2 waiting)") != std::string::npos;
  }
  EXPECT_TRUE(shown);
  // The worker has the three calls (they went in one write) once it has started the first.
  ASSERT_TRUE(runUntil([&]() { return countInLog("call start method=TestService.sleep") == 1; }));
  EXPECT_EQ(pool_->forwardSigusr2(), 1);
  EXPECT_TRUE(runUntil([&]() { return countInLog("current: TestService.sleep elapsed: 0:00:00 (+2 waiting)") == 1; }));
  for (auto& c : calls) EXPECT_TRUE(settle(c) == nullptr);
  EXPECT_TRUE(exited_.empty());
}

TEST_F(PoolProcessTest, RecyclingByCallCountWithAPipelineSendsNoWorkerMoreThanItsLimit) {
  auto config = testConfig(1);
  config.pipeline = 4;
  config.pipelineWindow = Duration{0};  // depth alone: these calls are slow on purpose
  config.callLimit = 3;
  startPool(config);
  ASSERT_TRUE(runUntil([&]() { return readied_.size() == 1; }));
  auto service = testService();
  std::vector<kj::Promise<capnp::Response<schema::TestService::PidResults>>> calls;
  for (int i = 0; i < 7; ++i) calls.push_back(service.pidRequest().send());
  std::map<int, int> perWorker;
  for (auto& c : calls) {
    int pid = 0;
    auto got = c.then([&](auto&& r) { pid = r.getPid(); });
    EXPECT_TRUE(settle(got) == nullptr);
    ++perWorker[pid];
  }
  EXPECT_EQ(perWorker.size(), 3u);  // 3 + 3 + 1
  for (auto& [pid, n] : perWorker) EXPECT_LE(n, 3) << pid;
  EXPECT_TRUE(crashLoops_.empty());
  EXPECT_NE(countInLog("reason=recycle"), 0u);
  EXPECT_LE(maxLive_, 1u);
}

}  // namespace
}  // namespace zenhub::hub::pool::testing
