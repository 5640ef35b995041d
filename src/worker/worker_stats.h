// WorkerStats: what this worker has run, for the table it logs on SIGUSR2 (ZenHub's worker
// table: the current call and its elapsed time, or idle; then per service and method the count,
// total, average and last run). The clock is passed in so the table can be tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zenhub::worker {

class WorkerStats {
 public:
  using Clock = std::chrono::steady_clock;

  void begin(const std::string& name, Clock::time_point now);
  void end(Clock::time_point now, bool ok);
  // Calls the hub has sent that wait behind the current one.
  void setWaiting(size_t n) { waiting_ = n; }

  // The table, one string per log line.
  std::vector<std::string> table(Clock::time_point now, std::chrono::system_clock::time_point wallNow) const;
  uint64_t callsServed() const { return served_; }

 private:
  struct Method {
    uint64_t count = 0;
    uint64_t errors = 0;
    Clock::duration total{0};
    Clock::time_point last{};
  };
  std::optional<std::pair<std::string, Clock::time_point>> current_;
  std::optional<Clock::time_point> lastEnd_;
  std::map<std::string, Method> methods_;
  uint64_t served_ = 0;
  size_t waiting_ = 0;
};

// "H:MM:SS" (hours unbounded), as ZenHub's tables show durations.
std::string formatHms(std::chrono::nanoseconds d);

}  // namespace zenhub::worker
