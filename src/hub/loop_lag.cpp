#include "hub/loop_lag.h"

namespace zenhub::hub {

LoopLagMonitor::LoopLagMonitor(boost::asio::io_context& io, Clock::duration interval)
    : timer_(io), interval_(interval), due_(Clock::now()) {
  arm();
}

LoopLagMonitor::~LoopLagMonitor() { stop(); }

void LoopLagMonitor::stop() {
  *alive_ = false;
  timer_.cancel();
}

void LoopLagMonitor::arm() {
  due_ += interval_;
  auto now = Clock::now();
  if (due_ < now) due_ = now + interval_;  // after a long stall, do not fire a burst
  timer_.expires_at(due_);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    auto lag = Clock::now() - due_;
    if (lag < Clock::duration::zero()) lag = Clock::duration::zero();
    ++samples_;
    last_ = lag;
    total_ += lag;
    if (lag > max_) max_ = lag;
    if (lag > maxEver_) maxEver_ = lag;
    arm();
  });
}

}  // namespace zenhub::hub
