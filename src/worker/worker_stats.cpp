#include "worker/worker_stats.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>

namespace zenhub::worker {

std::string formatHms(std::chrono::nanoseconds d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(std::max(d, std::chrono::nanoseconds(0))).count();
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

void WorkerStats::begin(const std::string& name, Clock::time_point now) { current_.emplace(name, now); }

void WorkerStats::end(Clock::time_point now, bool ok) {
  if (!current_) return;
  auto& m = methods_[current_->first];
  ++m.count;
  if (!ok) ++m.errors;
  m.total += now - current_->second;
  m.last = now;
  ++served_;
  current_.reset();
  lastEnd_ = now;
}

std::vector<std::string> WorkerStats::table(Clock::time_point now,
                                            std::chrono::system_clock::time_point wallNow) const {
  std::vector<std::string> lines;
  if (current_) {
    lines.push_back(fmt::format("current: {} elapsed: {}{}", current_->first, formatHms(now - current_->second),
                                waiting_ ? fmt::format(" (+{} waiting)", waiting_) : ""));
  } else if (lastEnd_) {
    lines.push_back(fmt::format("current: idle for {}", formatHms(now - *lastEnd_)));
  } else {
    lines.push_back("current: idle, no calls run");
  }
  lines.push_back(fmt::format("{:<40} {:>8} {:>12} {:>12} {:>19}", "method", "count", "total", "average", "last"));
  for (const auto& [name, m] : methods_) {
    auto average = m.count ? m.total / static_cast<long>(m.count) : Clock::duration{0};
    // The last run as wall-clock time: steady time points mean nothing to an operator.
    auto lastWall = std::chrono::time_point_cast<std::chrono::seconds>(
        wallNow - std::chrono::duration_cast<std::chrono::system_clock::duration>(now - m.last));
    lines.push_back(fmt::format("{:<40} {:>8} {:>12} {:>12} {:%Y-%m-%d %H:%M:%S}", name, m.count,
                                fmt::format("{:.3f}s", std::chrono::duration<double>(m.total).count()),
                                fmt::format("{:.3f}s", std::chrono::duration<double>(average).count()),
                                fmt::localtime(std::chrono::system_clock::to_time_t(lastWall))));
  }
  return lines;
}

}  // namespace zenhub::worker
