#include "hub/invalidation/planner.h"

namespace zenhub::hub::invalidation {

namespace {

namespace cls = model::cls;

bool isDeviceTreeClass(std::string_view c) {
  return c == cls::kDeviceClass || c == cls::kTemplate || c == cls::kDataSource || c == cls::kDataPoint ||
         c == cls::kThreshold || c == cls::kInterface || c == cls::kFileSystem || c == cls::kProcess ||
         c == cls::kIpService;
}

std::string collectorOf(const model::Object& device) {
  return model::getString(device.properties, "perfServer").value_or("");
}

class Planner {
 public:
  Planner(const ObjectReader& read, DeviceIndex& index, Plan& plan) : read_(read), index_(index), plan_(plan) {}

  void device(const store::Change& c) {
    if (c.kind == store::ChangeKind::kDeleted) {
      if (auto before = index_.remove(c.oid)) plan_.remove(before->collector, before->id);
      return;
    }
    auto object = read_(c.oid);
    if (!object) {  // gone since: its delete is in a later batch; act on it now
      if (auto before = index_.remove(c.oid)) plan_.remove(before->collector, before->id);
      return;
    }
    std::string collector = collectorOf(*object);
    auto before = index_.put(c.oid, object->path, collector);
    if (before && before->collector != collector) plan_.remove(before->collector, before->id);
    plan_.update(collector, object->id);
  }

  void other(const store::Change& c) {
    if (c.className == cls::kCollector) {
      if (c.kind == store::ChangeKind::kDeleted) return;  // its listeners have nothing left to hear
      std::string name(lastSegment(c.path));
      plan_.collectorsChanged.insert(name);
      index_.forEachOnCollector(name, [&](const IndexedDevice& d) { plan_.update(d.collector, d.id); });
      return;
    }
    if (!isDeviceTreeClass(c.className)) {
      ++plan_.counts.oidsIgnored;
      return;
    }
    ++plan_.counts.oidsTransformed;
    bool threshold = c.className == cls::kThreshold;
    auto touch = [&](const IndexedDevice& d) {
      plan_.update(d.collector, d.id);
      if (threshold && !d.collector.empty()) plan_.thresholdCollectors.insert(d.collector);
    };
    if (auto d = index_.containing(c.path)) {  // inside a device
      touch(*d);
      return;
    }
    std::string_view classPath = c.path;
    if (c.className != cls::kDeviceClass) {
      auto owner = templateOwner(c.path);
      if (!owner) {
        // A component of a device the index does not know (created and deleted between polls).
        --plan_.counts.oidsTransformed;
        ++plan_.counts.oidsIgnored;
        return;
      }
      classPath = *owner;
    }
    index_.forEachBelow(classPath, touch);
  }

 private:
  const ObjectReader& read_;
  DeviceIndex& index_;
  Plan& plan_;
};

}  // namespace

std::optional<std::string_view> templateOwner(std::string_view path) {
  constexpr std::string_view kRelation = "/rrdTemplates/";
  auto pos = path.find(kRelation);
  if (pos == std::string_view::npos) return std::nullopt;
  return path.substr(0, pos);
}

store::Cursor buildIndex(store::ReadTransaction& snapshot, DeviceIndex& index) {
  index.clear();
  store::Cursor cursor = snapshot.feedCursor();
  for (const auto& device : snapshot.ofClass(cls::kDevice)) {
    index.put(device.oid, device.path, collectorOf(device));
  }
  return cursor;
}

Plan planChanges(const std::vector<store::Change>& changes, const ObjectReader& read, DeviceIndex& index,
                 const FilterChain& filters) {
  Plan plan;
  Planner planner(read, index, plan);
  std::vector<const store::Change*> rest;
  // Devices first, so the index knows where each device is (and which are gone) before their
  // components, templates and classes are mapped to them.
  for (const auto& c : changes) {
    ++plan.counts.oidsSeen;
    plan.noteCommit(c.committedAtMs);
    if (!filters.includes(c.className, c.path)) {
      ++plan.counts.oidsFiltered;
      continue;
    }
    if (c.className == cls::kDevice) {
      planner.device(c);
    } else {
      rest.push_back(&c);
    }
  }
  for (const auto* c : rest) planner.other(*c);
  return plan;
}

}  // namespace zenhub::hub::invalidation
