#include "services/datamap_apply.h"

#include <algorithm>
#include <map>

#include "services/errors.h"
#include "store/model_validate.h"

namespace zenhub::services {

namespace {

namespace cls = model::cls;

// Relationship names and the class of their members.
const std::map<std::string, std::string_view, std::less<>> kRelations = {
    {"interfaces", cls::kInterface},
    {"filesystems", cls::kFileSystem},
    {"processes", cls::kProcess},
    {"ipservices", cls::kIpService},
};

[[noreturn]] void bad(const std::string& message) {
  throw serviceError("badRequest", message);
}

// The store checks structure; values are checked here with the loader's rules, so that modeling
// cannot write what a service would choke on (a regex that does not compile, a bad port).
void checkValues(const std::string& path, std::string_view className,
                 const model::Properties& properties) {
  for (const auto& [key, value] : properties) {
    if (auto problem = store::checkProperty(className, key, value); !problem.empty())
      bad(path + ": " + problem);
  }
}

store::Object findDevice(store::WriteTransaction& txn, const std::string& id, DevicePaths& paths) {
  if (auto known = paths.find(id); known != paths.end()) {
    auto d = txn.get(known->second);
    if (d && d->className == cls::kDevice && d->id == id) return std::move(*d);
  }
  std::optional<store::Object> found;
  paths.clear();
  for (auto& d : txn.ofClass(cls::kDevice)) {
    paths[d.id] = d.path;
    if (d.id == id) found = std::move(d);
  }
  if (!found) bad("applyDataMaps: no device named '" + id + "'");
  return std::move(*found);
}

// Sets the map's properties on the object at `path` (existing); true if anything differed.
bool updateProperties(store::WriteTransaction& txn, const store::Object& object,
                      capnp::List<schema::PropertyItem>::Reader items) {
  model::Properties set;
  std::vector<std::string> unset;
  for (auto item : items) {
    std::string name = item.getName();
    auto value = fromSchemaValue(item.getValue());
    auto current = object.properties.find(name);
    if (!value) {
      if (current != object.properties.end()) unset.push_back(name);
    } else if (current == object.properties.end() || !(current->second == *value)) {
      set[name] = std::move(*value);
    }
  }
  if (set.empty() && unset.empty()) return false;
  checkValues(object.path, object.className, set);
  model::Properties after = object.properties;
  for (const auto& [k, v] : set) after[k] = v;
  for (const auto& k : unset) after.erase(k);
  if (auto missing = store::checkRequired(object.className, after); !missing.empty())
    bad(object.path + ": " + missing.front());
  txn.update(object.path, set, unset);
  return true;
}

model::Properties toProperties(capnp::List<schema::PropertyItem>::Reader items) {
  model::Properties p;
  for (auto item : items) {
    if (auto value = fromSchemaValue(item.getValue())) p[item.getName()] = std::move(*value);
  }
  return p;
}

// Creates or updates the member `map` of a relationship (or a single component) below `device`.
bool applyObject(store::WriteTransaction& txn, const store::Object& device,
                 std::string_view className, schema::ObjectMap::Reader map) {
  std::string id = map.getId();
  if (id.empty()) bad("applyDataMaps: an object map of " + device.id + " has no id");
  store::ObjectSpec spec;
  spec.parentPath = device.path;
  spec.className = std::string(className);
  spec.id = id;
  std::string path = spec.path();
  if (auto existing = txn.get(path)) {
    if (existing->className != className) {
      bad("applyDataMaps: " + path + " is a " + existing->className + ", not a " +
          std::string(className));
    }
    return updateProperties(txn, *existing, map.getProperties());
  }
  spec.properties = toProperties(map.getProperties());
  checkValues(path, className, spec.properties);
  if (auto problem = store::checkId(id, className); !problem.empty()) bad(path + ": " + problem);
  if (auto missing = store::checkRequired(className, spec.properties); !missing.empty())
    bad(path + ": " + missing.front());
  spec.origin = "applyDataMaps(" + device.id + ")";
  txn.put(spec);
  return true;
}

bool applyObjectMap(store::WriteTransaction& txn, const store::Object& device,
                    schema::ObjectMap::Reader map) {
  std::string compname = map.getCompname();
  if (compname.empty()) return updateProperties(txn, device, map.getProperties());
  std::string className = map.getModname();
  if (className.empty()) {
    // Deduce it from the relationship in the path ("os/interfaces/eth0").
    for (const auto& [rel, cls] : kRelations) {
      if (compname.find("/" + rel + "/") != std::string::npos || compname.rfind(rel + "/", 0) == 0)
        className = cls;
    }
  }
  if (!model::findClassRule(className))
    bad("applyDataMaps: unknown class '" + className + "' for " + compname);
  std::string expected = model::childPath(device.path, className, std::string(map.getId()));
  if (expected != device.path + "/" + compname) {
    bad("applyDataMaps: compname '" + compname + "' does not name a " + className + " called '" +
        std::string(map.getId()) + "' (expected " + expected.substr(device.path.size() + 1) + ")");
  }
  return applyObject(txn, device, className, map);
}

bool applyRelationshipMap(store::WriteTransaction& txn, const store::Object& device,
                          schema::RelationshipMap::Reader map) {
  if (map.getCompname().size() != 0) {
    bad("applyDataMaps: relationships hang on the device itself (compname \"\"), not on '" +
        std::string(map.getCompname()) + "'");
  }
  auto relation = kRelations.find(std::string_view(map.getRelname().cStr()));
  if (relation == kRelations.end())
    bad("applyDataMaps: unknown relationship '" + std::string(map.getRelname()) + "'");
  std::string_view className = relation->second;
  if (map.getModname().size() != 0 && std::string_view(map.getModname().cStr()) != className) {
    bad("applyDataMaps: relationship " + relation->first + " holds " + std::string(className) +
        ", not " + std::string(map.getModname()));
  }
  bool changed = false;
  std::vector<std::string> kept;
  for (auto om : map.getObjectMaps()) {
    changed = applyObject(txn, device, className, om) || changed;
    kept.emplace_back(om.getId());
  }
  for (const auto& child : txn.children(device.oid)) {
    if (child.className != className) continue;
    if (std::find(kept.begin(), kept.end(), child.id) != kept.end()) continue;
    txn.remove(child.path);
    changed = true;
  }
  return changed;
}

}  // namespace

std::optional<model::Value> fromSchemaValue(schema::Value::Reader value) {
  std::optional<model::Value> out;
  switch (value.which()) {
    case schema::Value::NONE:
      break;
    case schema::Value::TEXT:
      out.emplace(std::string(value.getText()));
      break;
    case schema::Value::INT:
      out.emplace(value.getInt());
      break;
    case schema::Value::FLOAT:
      out.emplace(value.getFloat());
      break;
    case schema::Value::BOOL:
      out.emplace(value.getBool());
      break;
    case schema::Value::LIST: {
      model::StringList list;
      for (auto s : value.getList()) list.emplace_back(s);
      out.emplace(std::move(list));
      break;
    }
  }
  return out;
}

bool applyDataMaps(store::WriteTransaction& txn, const std::string& deviceId,
                   capnp::List<schema::DataMap>::Reader maps, DevicePaths& paths) {
  store::Object device = findDevice(txn, deviceId, paths);
  bool changed = false;
  try {
    for (auto map : maps) {
      if (map.isObject()) {
        changed = applyObjectMap(txn, device, map.getObject()) || changed;
        // The device's own properties may have changed: later maps compare against them.
        if (map.getObject().getCompname().size() == 0) device = *txn.get(device.path);
      } else {
        changed = applyRelationshipMap(txn, device, map.getRelationship()) || changed;
      }
    }
  } catch (const store::ModelError& e) {
    bad("applyDataMaps(" + deviceId + "): " + e.what());
  }
  return changed;
}

}  // namespace zenhub::services
