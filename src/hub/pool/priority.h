// Call priorities inside a pool, ZenHub's five, highest first, and the deterministic weighted
// cycle that serves them.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/pool/route_table.h"

namespace zenhub::hub::pool {

enum class Priority { kEvents = 0, kSingleModeling = 1, kOther = 2, kConfig = 3, kModeling = 4 };
inline constexpr size_t kPriorityCount = 5;
inline constexpr std::array<Priority, kPriorityCount> kAllPriorities = {
    Priority::kEvents, Priority::kSingleModeling, Priority::kOther, Priority::kConfig,
    Priority::kModeling};

// "EVENTS", "SINGLE_MODELING", "OTHER", "CONFIG", "MODELING" (the config spelling).
const char* priorityName(Priority p);
std::optional<Priority> parsePriority(std::string_view name);

// The serving order for the first `count` priorities: L(n) = L(n-1) + [1..n] + L(n-1), so the
// k-th of n appears 2^(n-k+1)-1 times (31/15/7/3/1 over 57 slots for five), higher priorities
// spread evenly between lower ones. weightedCycle(3) = 1,1,2,1,1,2,3,1,1,2,1 (as indexes 0..2).
std::vector<size_t> weightedCycle(size_t count);

// service:method -> priority, with ZenHub's defaults (EventService:sendEvent(s) EVENTS,
// *:singleApplyDataMaps SINGLE_MODELING, *:getDeviceConfig(s) CONFIG, *:applyDataMaps MODELING,
// *:* OTHER); configured entries are added over them.
class PriorityMap {
 public:
  PriorityMap();
  void set(const RouteKey& key, Priority p) { table_.set(key, p); }
  Priority of(std::string_view service, std::string_view method) const;

 private:
  RouteTable<Priority> table_;
};

}  // namespace zenhub::hub::pool
