// Measures event-loop lag: how late a periodic asio timer fires. On a healthy hub it stays in
// the low milliseconds; growth means something blocks the loop. Exported in the stats report
// (and as a metric once the status endpoint exists).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

namespace zenhub::hub {

class LoopLagMonitor {
 public:
  using Clock = std::chrono::steady_clock;

  LoopLagMonitor(boost::asio::io_context& io, Clock::duration interval);
  ~LoopLagMonitor();

  void stop();
  uint64_t samples() const { return samples_; }
  Clock::duration last() const { return last_; }
  // The largest lag since the last resetMax().
  Clock::duration max() const { return max_; }
  Clock::duration maxEver() const { return maxEver_; }
  Clock::duration mean() const {
    return samples_ ? total_ / static_cast<int64_t>(samples_) : Clock::duration{};
  }
  void resetMax() { max_ = {}; }

 private:
  void arm();

  boost::asio::steady_timer timer_;
  Clock::duration interval_;
  Clock::time_point due_;
  uint64_t samples_ = 0;
  Clock::duration last_{}, max_{}, maxEver_{}, total_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub
