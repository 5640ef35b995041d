// The SIGUSR2 report, in the layout ZenHub's operators know (sections of aligned text), built
// from plain data so it can be tested and also served as JSON later.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "hub/call_stats.h"
#include "hub/invalidation/invalidation_manager.h"
#include "hub/saved_counters.h"

namespace zenhub::hub {

struct ServiceInstanceStats {
  std::string name;
  std::string monitor;
  size_t listeners = 0;
  uint64_t calls = 0;
};

struct HubSnapshot {
  std::string instanceId;
  std::chrono::seconds uptime{0};
  size_t connections = 0;
  uint64_t acceptedTotal = 0;
  uint64_t droppedTotal = 0;
  uint64_t loginFailures = 0;
  std::chrono::nanoseconds lagLast{0}, lagMean{0}, lagMax{0};
  std::chrono::nanoseconds lagMaxSinceReport{0};  // since the previous report
  invalidation::InvalidationStats invalidations;
  std::vector<MethodStats> methods;  // sorted by total, largest first
  std::vector<ServiceInstanceStats> services;
  LifetimeCounters lifetime;  // since the first start (saved across restarts)
};

// "H:MM:SS".
std::string formatDuration(std::chrono::nanoseconds d);
std::string formatReport(const HubSnapshot& s);

}  // namespace zenhub::hub
