#include "rpc/event_port.h"

#include <kj/debug.h>

#include <boost/asio/post.hpp>
#include <chrono>

namespace zenhub::rpc {

namespace asio = boost::asio;

namespace {
thread_local AsioEventPort* currentPort = nullptr;
}

AsioEventPort::AsioEventPort(asio::io_context& io, unsigned maxTurnsPerSlice)
    : io_(io),
      maxTurns_(maxTurnsPerSlice),
      clock_(kj::systemPreciseMonotonicClock()),
      timer_(clock_.now()),
      timerDriver_(io),
      timerArmedFor_(clock_.now()),
      loop_(*this),
      waitScope_(loop_) {
  KJ_REQUIRE(currentPort == nullptr, "one AsioEventPort per thread");
  currentPort = this;
}

AsioEventPort::~AsioEventPort() noexcept(false) {
  *alive_ = false;
  currentPort = nullptr;
  boost::system::error_code ec;
  timerDriver_.cancel();
}

AsioEventPort* AsioEventPort::current() { return currentPort; }

void AsioEventPort::drainKj() {
  advanceTimer();
  loop_.run();
}

bool AsioEventPort::wait() {
  // Only reached from Promise::wait(): start-up, shut-down and tests, never from a handler.
  KJ_REQUIRE(!io_.get_executor().running_in_this_thread(),
             "Promise::wait() called from inside an asio handler; chain with .then() instead");
  armTimer();
  inWait_ = true;
  KJ_DEFER(inWait_ = false);
  if (io_.stopped()) io_.restart();
  io_.run_one();
  advanceTimer();
  return woken_.exchange(false);
}

bool AsioEventPort::poll() {
  // WaitScope::poll() may come from inside a handler; io_context::poll() must not be re-entered.
  if (!io_.get_executor().running_in_this_thread()) {
    if (io_.stopped()) io_.restart();
    io_.poll();
  }
  advanceTimer();
  return woken_.exchange(false);
}

void AsioEventPort::setRunnable(bool runnable) {
  // Called on empty->runnable transitions, possibly mid-turn: never run the loop from here.
  if (!runnable) return;
  if (inFromAsio_ && !inWait_) {
    runAfterCallback_ = true;
  } else {
    scheduleSlice();
  }
}

void AsioEventPort::wake() const {
  // Any thread (kj::Executor). asio::post is thread-safe. In asio mode nobody else would call
  // EventLoop::poll(), which is what delivers cross-thread events, so do it from the handler.
  woken_.store(true, std::memory_order_release);
  auto* self = const_cast<AsioEventPort*>(this);
  asio::post(io_, [self, alive = alive_]() {
    if (!*alive || self->inWait_) return;  // within wait(), EventLoop::wait() polls itself
    self->waitScope_.poll();
  });
}

void AsioEventPort::afterCallback() {
  if (runAfterCallback_) {
    runAfterCallback_ = false;
    runSlice();
  }
}

void AsioEventPort::scheduleSlice() {
  if (sliceScheduled_) return;
  sliceScheduled_ = true;
  asio::post(io_, [this, alive = alive_]() {
    if (!*alive) return;
    sliceScheduled_ = false;
    runSlice();
  });
}

void AsioEventPort::runSlice() {
  ++slices_;
  advanceTimer();
  // run() reports setRunnable(false) only when it drains the queue; if it stops at the turn
  // limit, KJ still thinks it is runnable and will not call setRunnable(true) again: re-post.
  loop_.run(maxTurns_);
  if (loop_.isRunnable()) scheduleSlice();
  armTimer();
}

void AsioEventPort::advanceTimer() { timer_.advanceTo(clock_.now()); }

void AsioEventPort::armTimer() {
  KJ_IF_MAYBE(next, timer_.nextEvent()) {
    if (timerArmed_ && timerArmedFor_ <= *next) return;
    timerArmed_ = true;
    timerArmedFor_ = *next;
    int64_t ns = (*next - clock_.now()) / kj::NANOSECONDS;
    timerDriver_.expires_after(std::chrono::nanoseconds(ns > 0 ? ns : 0));
    timerDriver_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
      if (!*alive || ec) return;  // re-armed earlier (cancelled) or port gone
      timerArmed_ = false;
      fromAsio([this]() { advanceTimer(); });
      armTimer();
    });
  }
}

}  // namespace zenhub::rpc
