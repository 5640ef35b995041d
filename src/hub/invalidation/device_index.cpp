#include "hub/invalidation/device_index.h"

#include "hub/invalidation/filters.h"

namespace zenhub::hub::invalidation {

std::string_view lastSegment(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

uint32_t DeviceIndex::intern(std::string_view collector) {
  if (collectors_.empty()) collectors_.emplace_back();
  if (collector.empty()) return 0;
  auto it = collectorIds_.find(collector);
  if (it != collectorIds_.end()) return it->second;
  auto id = static_cast<uint32_t>(collectors_.size());
  collectors_.emplace_back(collector);
  collectorIds_.emplace(std::string(collector), id);
  return id;
}

IndexedDevice DeviceIndex::view(const PathMap::value_type& item) const {
  return IndexedDevice{item.second.oid, item.first, std::string(lastSegment(item.first)),
                       collectors_[item.second.collector]};
}

std::optional<IndexedDevice> DeviceIndex::put(model::Oid oid, std::string_view path, std::string_view collector) {
  uint32_t c = intern(collector);
  std::optional<IndexedDevice> before;
  if (auto it = byOid_.find(oid); it != byOid_.end()) {
    before = view(*it->second);
    if (it->second->first == path) {
      it->second->second.collector = c;
      return before;
    }
    byPath_.erase(it->second);
    byOid_.erase(it);
  }
  auto [pos, inserted] = byPath_.insert_or_assign(std::string(path), Entry{oid, c});
  (void)inserted;
  byOid_[oid] = pos;
  return before;
}

std::optional<IndexedDevice> DeviceIndex::remove(model::Oid oid) {
  auto it = byOid_.find(oid);
  if (it == byOid_.end()) return std::nullopt;
  IndexedDevice before = view(*it->second);
  byPath_.erase(it->second);
  byOid_.erase(it);
  return before;
}

void DeviceIndex::clear() {
  byOid_.clear();
  byPath_.clear();
}

std::optional<IndexedDevice> DeviceIndex::byOid(model::Oid oid) const {
  auto it = byOid_.find(oid);
  if (it == byOid_.end()) return std::nullopt;
  return view(*it->second);
}

std::optional<IndexedDevice> DeviceIndex::containing(std::string_view path) const {
  // The device's path is a prefix of `path` ending at a segment boundary: the greatest key not
  // after `path`, checked; then shorter prefixes (a device inside a device cannot exist, but a
  // sibling like ".../web01-b" may sort between).
  size_t end = path.size();
  while (end > 0) {
    std::string_view prefix = path.substr(0, end);
    if (auto it = byPath_.find(prefix); it != byPath_.end()) return view(*it);
    end = prefix.rfind('/');
    if (end == std::string_view::npos) break;
  }
  return std::nullopt;
}

void DeviceIndex::forEachBelow(std::string_view path, const std::function<void(const IndexedDevice&)>& fn) const {
  for (auto it = byPath_.lower_bound(path); it != byPath_.end(); ++it) {
    if (it->first.compare(0, path.size(), path) != 0) break;
    if (pathCovers(path, it->first)) fn(view(*it));
  }
}

void DeviceIndex::forEachOnCollector(std::string_view collector,
                                     const std::function<void(const IndexedDevice&)>& fn) const {
  auto id = collectorIds_.find(collector);
  if (id == collectorIds_.end()) return;
  for (const auto& item : byPath_) {
    if (item.second.collector == id->second) fn(view(item));
  }
}

}  // namespace zenhub::hub::invalidation
