// The hub's memory of where each device is and which collector monitors it: what the change feed
// cannot say once a device is gone or has moved (its previous collector gets the delete). Built
// from a snapshot at start (and on a resync), kept current from the feed. Paths are stored once;
// collector names are interned. Used only by the invalidation thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zenhub/model.h"

namespace zenhub::hub::invalidation {

struct IndexedDevice {
  model::Oid oid = model::kNoOid;
  std::string path;
  std::string id;
  std::string collector;  // "" when the device names no collector
};

class DeviceIndex {
 public:
  // Adds the device or updates its path and collector; returns what it was before, if known.
  std::optional<IndexedDevice> put(model::Oid oid, std::string_view path, std::string_view collector);
  std::optional<IndexedDevice> remove(model::Oid oid);
  void clear();

  std::optional<IndexedDevice> byOid(model::Oid oid) const;
  // The device at `path` or the one `path` lies inside (a component, a local template).
  std::optional<IndexedDevice> containing(std::string_view path) const;
  // Every device at or below `path` (a device class).
  void forEachBelow(std::string_view path, const std::function<void(const IndexedDevice&)>& fn) const;
  // Every device monitored by `collector`.
  void forEachOnCollector(std::string_view collector, const std::function<void(const IndexedDevice&)>& fn) const;
  size_t size() const { return byOid_.size(); }

 private:
  struct Entry {
    model::Oid oid;
    uint32_t collector;
  };
  using PathMap = std::map<std::string, Entry, std::less<>>;
  uint32_t intern(std::string_view collector);
  IndexedDevice view(const PathMap::value_type& item) const;

  PathMap byPath_;
  std::unordered_map<model::Oid, PathMap::iterator> byOid_;
  std::vector<std::string> collectors_;  // index 0 is ""
  std::map<std::string, uint32_t, std::less<>> collectorIds_;
};

// The last segment of a path: a device's id.
std::string_view lastSegment(std::string_view path);

}  // namespace zenhub::hub::invalidation
