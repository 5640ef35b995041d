// What a batch of model changes means for the collectors: per collector, the devices whose
// config must be pushed again and the devices it must drop; the collectors whose own object
// changed (setPropertyItems) or whose threshold classes may have changed; or a full resync.
// Plans merge: changes that arrive while a cycle runs are coalesced into the next cycle, the
// later action on a (collector, device) winning.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace zenhub::hub::invalidation {

enum class DeviceAction { kUpdate, kDelete };

struct PlanCounts {
  uint64_t oidsSeen = 0;         // feed entries read
  uint64_t oidsFiltered = 0;     // dropped by the filters
  uint64_t oidsTransformed = 0;  // turned into other objects' changes (component -> device, ...)
  uint64_t oidsIgnored = 0;      // configure nothing (an unknown device's component, a root)
};

struct Plan {
  // collector -> device id -> action
  std::map<std::string, std::map<std::string, DeviceAction>> devices;
  std::set<std::string> collectorsChanged;
  std::set<std::string> thresholdCollectors;
  bool resync = false;
  PlanCounts counts;
  // Commit time (unix ms) of the oldest change in the plan: change-to-push latency starts there.
  int64_t oldestCommitMs = 0;

  void update(const std::string& collector, const std::string& device) {
    if (!collector.empty()) devices[collector][device] = DeviceAction::kUpdate;
  }
  void remove(const std::string& collector, const std::string& device) {
    if (!collector.empty()) devices[collector][device] = DeviceAction::kDelete;
  }
  bool empty() const {
    return devices.empty() && collectorsChanged.empty() && thresholdCollectors.empty() && !resync;
  }
  size_t deviceCount() const {
    size_t n = 0;
    for (const auto& [collector, ds] : devices) n += ds.size();
    return n;
  }
  void noteCommit(int64_t ms) {
    if (ms > 0 && (oldestCommitMs == 0 || ms < oldestCommitMs)) oldestCommitMs = ms;
  }
  // Folds a later plan into this one.
  void merge(Plan&& later);
};

inline void Plan::merge(Plan&& later) {
  if (later.resync) {
    // A resync re-reads everything: what was pending is covered by it.
    devices.clear();
    resync = true;
  }
  for (auto& [collector, ds] : later.devices) {
    auto& mine = devices[collector];
    for (auto& [device, action] : ds) mine[device] = action;
  }
  collectorsChanged.merge(later.collectorsChanged);
  thresholdCollectors.merge(later.thresholdCollectors);
  counts.oidsSeen += later.counts.oidsSeen;
  counts.oidsFiltered += later.counts.oidsFiltered;
  counts.oidsTransformed += later.counts.oidsTransformed;
  counts.oidsIgnored += later.counts.oidsIgnored;
  noteCommit(later.oldestCommitMs);
}

}  // namespace zenhub::hub::invalidation
