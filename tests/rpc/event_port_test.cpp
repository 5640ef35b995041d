// AsioEventPort: KJ work and asio handlers share one thread and one io_context::run().
#include <gtest/gtest.h>
#include <kj/async.h>
#include <kj/debug.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rpc/event_port.h"
#include "test_loop.h"

namespace zenhub::rpc {
namespace {

namespace asio = boost::asio;
using namespace testing;

class RecordingErrorHandler : public kj::TaskSet::ErrorHandler {
 public:
  void taskFailed(kj::Exception&& exception) override { failures.push_back(kj::mv(exception)); }
  std::vector<kj::Exception> failures;
};

TEST(AsioEventPort, KjTimerSetBeforeRunFiresInsidePlainIoRun) {
  // Start-up code sets a KJ timer outside any handler; io.run() alone must fire it, and return
  // only once nothing is left.
  Loop loop;
  bool fired = false;
  auto start = std::chrono::steady_clock::now();
  auto promise = loop.port.timer().afterDelay(20 * kj::MILLISECONDS).then([&]() { fired = true; })
                     .eagerlyEvaluate(nullptr);
  loop.io.run();
  EXPECT_TRUE(fired) << "io.run() returned without the KJ timer armed";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

TEST(AsioEventPort, KjTimerSetInsideAContinuationFires) {
  Loop loop;
  bool fired = false;
  auto promise = kj::evalLater([&]() { return loop.port.timer().afterDelay(5 * kj::MILLISECONDS); })
                     .then([&]() { fired = true; })
                     .eagerlyEvaluate(nullptr);
  EXPECT_TRUE(runUntil(loop.io, [&]() { return fired; }));
}

TEST(AsioEventPort, AsioTimersAndKjContinuationsInterleaveOnOneThread) {
  // Ping-pong: an asio timer fulfils a KJ promise, whose continuation arms the next asio timer.
  Loop loop;
  std::vector<std::string> trace;
  std::vector<std::thread::id> threads;
  asio::steady_timer timer(loop.io);
  RecordingErrorHandler errors;
  kj::TaskSet tasks(errors);
  std::function<void(int)> round = [&](int n) {
    if (n == 5) return;
    timer.expires_after(1ms);
    auto paf = kj::newPromiseAndFulfiller<void>();
    auto fulfiller = std::make_shared<kj::Own<kj::PromiseFulfiller<void>>>(kj::mv(paf.fulfiller));
    timer.async_wait([&, fulfiller](const boost::system::error_code& ec) {
      ASSERT_FALSE(ec);
      trace.push_back("asio");
      threads.push_back(std::this_thread::get_id());
      loop.port.fromAsio([&]() { (*fulfiller)->fulfill(); });
    });
    tasks.add(paf.promise.then([&, n]() {
      trace.push_back("kj");
      threads.push_back(std::this_thread::get_id());
      round(n + 1);
    }));
  };
  round(0);
  ASSERT_TRUE(runUntil(loop.io, [&]() { return trace.size() == 10; }));
  for (size_t i = 0; i < trace.size(); ++i) EXPECT_EQ(trace[i], i % 2 == 0 ? "asio" : "kj") << i;
  for (auto id : threads) EXPECT_EQ(id, std::this_thread::get_id());
  EXPECT_TRUE(errors.failures.empty());
}

TEST(AsioEventPort, ExecutorCallFromAnotherThreadIsDelivered) {
  Loop loop;
  const kj::Executor& executor = kj::getCurrentThreadExecutor();
  std::thread::id ranOn;  // written on the loop's thread
  int answer = 0;
  std::thread other([&]() {
    answer = executor.executeSync([&]() {
      ranOn = std::this_thread::get_id();
      return 42;
    });
  });
  bool ok = runUntil(loop.io, [&]() { return ranOn != std::thread::id(); });
  other.join();
  EXPECT_TRUE(ok);
  EXPECT_EQ(answer, 42);
  EXPECT_EQ(ranOn, std::this_thread::get_id());
}

TEST(AsioEventPort, PromiseWaitInsideAsioHandlerIsRefused) {
  Loop loop;
  bool refused = false;
  bool laterHandlerRan = false;
  bool laterRanDuringWait = false;
  auto paf = kj::newPromiseAndFulfiller<void>();  // never fulfilled: wait() must block on asio
  asio::post(loop.io, [&]() {
    // A refused wait() leaves KJ's node pointing at its stack frame: the promise must be dropped
    // with the frame, before the fulfiller goes.
    auto promise = kj::mv(paf.promise);
    try {
      promise.wait(loop.port.waitScope());
    } catch (const kj::Exception& e) {
      refused = true;
      EXPECT_NE(std::string(e.getDescription().cStr()).find("asio handler"), std::string::npos)
          << e.getDescription().cStr();
    }
    laterRanDuringWait = laterHandlerRan;  // wait() must not have run the io_context re-entrantly
  });
  asio::post(loop.io, [&]() { laterHandlerRan = true; });
  ASSERT_TRUE(runUntil(loop.io, [&]() { return laterHandlerRan; }));
  EXPECT_TRUE(refused);
  EXPECT_FALSE(laterRanDuringWait);
  // The loop still works afterwards.
  EXPECT_EQ(settle(loop.io, kj::evalLater([]() { return 7; })), 7);
}

TEST(AsioEventPort, ExceptionInKjContinuationStaysInItsTaskSetAndLoopContinues) {
  Loop loop;
  RecordingErrorHandler errors;
  kj::TaskSet tasks(errors);
  bool after = false;
  tasks.add(kj::evalLater([]() { KJ_FAIL_REQUIRE("boom in a continuation"); }));
  tasks.add(kj::evalLater([&]() {}).then([&]() { return kj::evalLater([&]() { after = true; }); }));
  EXPECT_NO_THROW(EXPECT_TRUE(runUntil(loop.io, [&]() { return after; })));
  ASSERT_EQ(errors.failures.size(), 1u);
  EXPECT_NE(std::string(errors.failures[0].getDescription().cStr()).find("boom"), std::string::npos);
}

TEST(AsioEventPort, ExceptionFromAsioHandlerEscapesRunAndLoopCanResume) {
  Loop loop;
  bool second = false;
  asio::post(loop.io, []() { throw std::runtime_error("boom in a handler"); });
  asio::post(loop.io, [&]() { second = true; });
  EXPECT_THROW(loop.io.run(), std::runtime_error);
  EXPECT_FALSE(second);
  loop.io.run();
  EXPECT_TRUE(second);
  EXPECT_EQ(settle(loop.io, kj::evalLater([]() { return 1; })), 1);
}

TEST(AsioEventPort, ExceptionInsideFromAsioDoesNotLoseTheKjWakeUp) {
  Loop loop;
  auto paf = kj::newPromiseAndFulfiller<void>();
  bool continued = false;
  auto promise = paf.promise.then([&]() { continued = true; }).eagerlyEvaluate(nullptr);
  asio::post(loop.io, [&]() {
    loop.port.fromAsio([&]() {
      paf.fulfiller->fulfill();
      throw std::runtime_error("after fulfilling");
    });
  });
  EXPECT_THROW(loop.io.run(), std::runtime_error);
  EXPECT_TRUE(runUntil(loop.io, [&]() { return continued; }));
}

TEST(AsioEventPort, SliceLimitRunsAllKjWorkWithoutStarvingAsio) {
  boost::asio::io_context io;
  constexpr unsigned kTurns = 16;
  AsioEventPort port(io, kTurns);
  RecordingErrorHandler errors;
  kj::TaskSet tasks(errors);
  constexpr int kWork = 200000;
  int done = 0;
  int doneWhenTimerFired = -1;
  asio::steady_timer timer(io);
  for (int i = 0; i < kWork; ++i) {
    tasks.add(kj::evalLater([&, i]() {
      ++done;
      if (i == 0) {  // posted while KJ has plenty left to do
        timer.expires_after(1ms);
        timer.async_wait([&](const boost::system::error_code& ec) {
          if (!ec) doneWhenTimerFired = done;
        });
      }
    }));
  }
  ASSERT_TRUE(runUntil(io, [&]() { return done == kWork && doneWhenTimerFired >= 0; }, 30000ms));
  EXPECT_EQ(done, kWork);
  EXPECT_TRUE(errors.failures.empty());
  EXPECT_LT(doneWhenTimerFired, kWork) << "the asio timer waited for all KJ work";
  EXPECT_GE(port.slices(), uint64_t{kWork / kTurns});
  std::printf("[ info ] %d continuations in %llu slices; the 1 ms timer fired after %d\n", kWork,
              static_cast<unsigned long long>(port.slices()), doneWhenTimerFired);
}

}  // namespace
}  // namespace zenhub::rpc
