#include "hub/pool/priority.h"

namespace zenhub::hub::pool {

const char* priorityName(Priority p) {
  switch (p) {
    case Priority::kEvents: return "EVENTS";
    case Priority::kSingleModeling: return "SINGLE_MODELING";
    case Priority::kOther: return "OTHER";
    case Priority::kConfig: return "CONFIG";
    case Priority::kModeling: return "MODELING";
  }
  return "OTHER";
}

std::optional<Priority> parsePriority(std::string_view name) {
  for (auto p : kAllPriorities) {
    if (name == priorityName(p)) return p;
  }
  return std::nullopt;
}

std::vector<size_t> weightedCycle(size_t count) {
  std::vector<size_t> cycle;
  for (size_t n = 1; n <= count; ++n) {
    std::vector<size_t> next = cycle;
    for (size_t k = 0; k < n; ++k) next.push_back(k);
    next.insert(next.end(), cycle.begin(), cycle.end());
    cycle = std::move(next);
  }
  return cycle;
}

PriorityMap::PriorityMap() {
  table_.set({"*", "*"}, Priority::kOther);
  table_.set({"EventService", "sendEvent"}, Priority::kEvents);
  table_.set({"EventService", "sendEvents"}, Priority::kEvents);
  table_.set({"*", "singleApplyDataMaps"}, Priority::kSingleModeling);
  table_.set({"*", "getDeviceConfig"}, Priority::kConfig);
  table_.set({"*", "getDeviceConfigs"}, Priority::kConfig);
  table_.set({"*", "applyDataMaps"}, Priority::kModeling);
}

Priority PriorityMap::of(std::string_view service, std::string_view method) const {
  const Priority* p = table_.find(service, method);
  return p ? *p : Priority::kOther;
}

}  // namespace zenhub::hub::pool
