#include "hub/call_stats.h"

#include <algorithm>

namespace zenhub::hub {

void CallStats::record(const std::string& name, std::chrono::nanoseconds elapsed, bool ok,
                       std::chrono::system_clock::time_point when) {
  auto& m = methods_[name];
  m.name = name;
  ++m.count;
  if (!ok) ++m.errors;
  m.total += elapsed;
  m.max = std::max(m.max, elapsed);
  m.lastCalled = when;
}

std::vector<MethodStats> CallStats::byTotal() const {
  std::vector<MethodStats> out;
  for (const auto& [name, m] : methods_) out.push_back(m);
  std::stable_sort(out.begin(), out.end(), [](const MethodStats& a, const MethodStats& b) {
    return a.total > b.total;
  });
  return out;
}

uint64_t CallStats::totalCalls() const {
  uint64_t n = 0;
  for (const auto& [name, m] : methods_) n += m.count;
  return n;
}

}  // namespace zenhub::hub
