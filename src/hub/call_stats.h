// Per "Service.method" call statistics: count, total, average, max and last call time, as in
// ZenHub's "Service Call Statistics". The worker pool records forwarded calls here too.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zenhub::hub {

struct MethodStats {
  std::string name;  // "Service.method"
  uint64_t count = 0;
  uint64_t errors = 0;
  std::chrono::nanoseconds total{0};
  std::chrono::nanoseconds max{0};
  std::chrono::system_clock::time_point lastCalled{};
};

class CallStats {
 public:
  void record(const std::string& name, std::chrono::nanoseconds elapsed, bool ok,
              std::chrono::system_clock::time_point when = std::chrono::system_clock::now());
  // Sorted by total time, largest first (the report's order).
  std::vector<MethodStats> byTotal() const;
  uint64_t totalCalls() const;

 private:
  std::map<std::string, MethodStats> methods_;
};

}  // namespace zenhub::hub
