// AsioEventPort: runs KJ (and so Cap'n Proto RPC) on a boost::asio::io_context, so the hub has
// one loop on one thread. asio's io_context::run() is the main loop; KJ work is run in bounded
// slices posted to it. Also provides a kj::Timer driven by an asio steady_timer, and wake() for
// kj::Executor calls from other threads.
//
// Rules (each learnt the hard way, see docs/architecture.md):
// - KJ is never run from inside setRunnable(): that is called in the middle of KJ turns. A slice
//   is posted instead; a slice that stops with work left re-posts itself.
// - Promise::wait() inside an asio handler would re-enter the io_context: it is refused. Drop the
//   refused promise at once: KJ 0.9.2 leaves it pointing into the aborted wait() frame.
// - One port (one kj::EventLoop) per thread: kj::setupAsyncIo() and EzRpc* cannot be used on it.
// - Destroy in this order: io_context is declared first, then the port, then everything that
//   holds KJ objects. Handlers still queued in asio after the port is gone are no-ops.
#pragma once

#include <kj/async.h>
#include <kj/timer.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>

namespace zenhub::rpc {

class AsioEventPort final : public kj::EventPort {
 public:
  // `io` must outlive the port. `maxTurnsPerSlice` bounds how long KJ holds the thread before
  // asio handlers (timers, signals, pipes) get their turn.
  explicit AsioEventPort(boost::asio::io_context& io, unsigned maxTurnsPerSlice = 1024);
  ~AsioEventPort() noexcept(false);
  KJ_DISALLOW_COPY(AsioEventPort);

  // The port of the calling thread, or nullptr.
  static AsioEventPort* current();

  kj::EventLoop& loop() { return loop_; }
  kj::WaitScope& waitScope() { return waitScope_; }
  // A kj::Timer on asio's clock, for KJ code (TLS handshake timeouts, login delays).
  kj::Timer& timer() { return timerFront_; }
  boost::asio::io_context& ioContext() { return io_; }

  // Runs `func` (an asio completion that fulfils KJ promises), then the KJ work it made runnable,
  // inline: saves a post and a trip through the reactor per wake-up. Falls back to a posted slice
  // when nested or when a Promise::wait() is on the stack.
  template <typename Func>
  void fromAsio(Func&& func);

  // Runs whatever KJ work is queued, until none is left. For shutdown, outside io.run().
  void drainKj();

  // Number of KJ slices run so far (a statistic).
  uint64_t slices() const { return slices_; }

  // kj::EventPort
  bool wait() override;
  bool poll() override;
  void setRunnable(bool runnable) override;
  void wake() const override;

 private:
  void scheduleSlice();
  void runSlice();
  void advanceTimer();
  void armTimer();
  void afterCallback();

  boost::asio::io_context& io_;
  const unsigned maxTurns_;
  // What timer() hands out: kj::TimerImpl tells nobody when an earlier timer is set, and the asio
  // timer driving it is otherwise re-armed only after a KJ slice, so a timer set outside a slice
  // (start-up code before io.run(), a plain asio handler) would never fire. This one arms it.
  class ArmingTimer final : public kj::Timer {
   public:
    explicit ArmingTimer(AsioEventPort& port) : port_(port) {}
    kj::TimePoint now() const override { return port_.timer_.now(); }
    kj::Promise<void> atTime(kj::TimePoint time) override {
      auto promise = port_.timer_.atTime(time);
      port_.armTimer();
      return promise;
    }
    kj::Promise<void> afterDelay(kj::Duration delay) override {
      // From the clock, not TimerImpl's time, which is only advanced by slices: outside one it
      // can be arbitrarily stale, and the delay would end early.
      auto promise = port_.timer_.atTime(port_.clock_.now() + delay);
      port_.armTimer();
      return promise;
    }

   private:
    AsioEventPort& port_;
  };

  const kj::MonotonicClock& clock_;
  kj::TimerImpl timer_;
  ArmingTimer timerFront_{*this};
  boost::asio::steady_timer timerDriver_;
  bool timerArmed_ = false;
  kj::TimePoint timerArmedFor_;
  // Queued asio handlers hold this and do nothing once it is false.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  mutable std::atomic<bool> woken_{false};
  bool sliceScheduled_ = false;
  bool inWait_ = false;
  bool inFromAsio_ = false;
  bool runAfterCallback_ = false;
  uint64_t slices_ = 0;

  kj::EventLoop loop_;
  kj::WaitScope waitScope_;  // keeps loop_ current on this thread for the port's lifetime
};

template <typename Func>
void AsioEventPort::fromAsio(Func&& func) {
  if (inFromAsio_ || inWait_) {
    func();
    return;
  }
  inFromAsio_ = true;
  try {
    func();
  } catch (...) {
    inFromAsio_ = false;
    if (runAfterCallback_) {
      runAfterCallback_ = false;
      scheduleSlice();  // do not lose the wake-up
    }
    throw;
  }
  inFromAsio_ = false;
  afterCallback();
}

}  // namespace zenhub::rpc
