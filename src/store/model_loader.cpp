#include "store/model_loader.h"

#include <map>
#include <unordered_map>

namespace zenhub::store {

namespace cls = model::cls;

UpsertStats loadModel(WriteTransaction& txn, const std::vector<ObjectSpec>& specs) {
  UpsertStats stats = txn.upsert(specs);
  std::map<std::string, const ObjectSpec*> collectors;  // name -> first device naming it
  for (const auto& spec : specs) {
    if (spec.className != cls::kDevice) continue;
    if (auto name = model::getString(spec.properties, "perfServer")) collectors.emplace(*name, &spec);
  }
  std::vector<std::string> issues;
  for (const auto& [name, spec] : collectors) {
    auto collector = txn.get(std::string(model::kCollectorsRoot) + "/" + name);
    if (!collector || collector->className != cls::kCollector) {
      issues.push_back(spec->origin + ": perfServer '" + name + "' is not a collector (none at " +
                       std::string(model::kCollectorsRoot) + "/" + name + ")");
    }
  }
  if (!issues.empty()) throw ModelError(std::move(issues));
  return stats;
}

std::vector<Object> objectsFromSpecs(const std::vector<ObjectSpec>& specs) {
  std::vector<Object> objects;
  std::unordered_map<std::string, size_t> byPath;
  auto add = [&](Object o) {
    auto [it, fresh] = byPath.emplace(o.path, objects.size());
    if (fresh) {
      objects.push_back(std::move(o));
    } else {
      objects[it->second].properties = std::move(o.properties);
    }
  };
  add(Object{1, 0, "/Devices", "Devices", std::string(cls::kDeviceClass), {}});
  add(Object{2, 0, "/Monitors", "Monitors", std::string(cls::kOrganizer), {}});
  add(Object{3, 2, "/Monitors/Performance", "Performance", std::string(cls::kOrganizer), {}});
  for (const auto& spec : specs) {
    std::string path = spec.path();
    if (spec.createOnly && byPath.count(path)) continue;
    auto parent = byPath.find(spec.parentPath);
    Oid parentOid = parent == byPath.end() ? model::kNoOid : objects[parent->second].oid;
    add(Object{static_cast<Oid>(objects.size() + 1), parentOid, path, spec.id, spec.className, spec.properties});
  }
  return objects;
}

}  // namespace zenhub::store
