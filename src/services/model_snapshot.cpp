#include "services/model_snapshot.h"

#include <map>

#include <algorithm>

namespace zenhub::services {

namespace cls = model::cls;

namespace {

const std::vector<const Object*> kNone;

constexpr std::string_view kComponentClasses[] = {cls::kInterface, cls::kFileSystem, cls::kProcess,
                                                  cls::kIpService};

bool isComponentClass(std::string_view className) {
  return std::find(std::begin(kComponentClasses), std::end(kComponentClasses), className) !=
         std::end(kComponentClasses);
}

// Up to this many devices a call reads each device's components with its own small query; above
// it, batches of devices (ReadTransaction::childrenOf) take fewer round trips.
constexpr size_t kPerDeviceReadLimit = 16;

}  // namespace

DevicePaths& sharedDevicePaths(const store::Store& store) {
  static std::map<const store::Store*, DevicePaths> byStore;  // stale entries are re-checked
  return byStore[&store];
}

ModelSnapshot::ModelSnapshot(store::ReadTransaction& txn) : txn_(txn) {
  for (auto& o : txn_.ofClass(cls::kCollector)) {
    const Object* c = keep(std::move(o));
    collectors_.emplace(c->id, c);
  }
  for (auto& o : txn_.ofClass(cls::kDeviceClass)) classes_.push_back(keep(std::move(o)));
  for (auto& o : txn_.ofClass(cls::kTemplate)) {
    const Object* t = keep(std::move(o));
    templatesByPath_.emplace(t->path, t);
  }
  // Parts of templates, attached to their parents (ofClass returns them by path, so each list
  // comes out ordered by path too).
  for (auto className : {cls::kDataSource, cls::kDataPoint, cls::kThreshold}) {
    for (auto& o : txn_.ofClass(className)) {
      const Object* part = keep(std::move(o));
      if (className == cls::kDataSource) {
        dataSources_[part->parent].push_back(part);
      } else if (className == cls::kThreshold) {
        templateThresholds_[part->parent].push_back(part);
        thresholds_.push_back(part);
      } else {
        children_[part->parent].push_back(part);
      }
    }
  }
}

const Object* ModelSnapshot::keep(Object object) {
  objects_.push_back(std::move(object));
  const Object* kept = &objects_.back();
  byOid_[kept->oid] = kept;
  return kept;
}

const std::vector<const Object*>& ModelSnapshot::childrenOf(Oid oid) const {
  auto it = children_.find(oid);
  return it == children_.end() ? kNone : it->second;
}

void ModelSnapshot::addDevice(Object device, DevicePaths* paths) {
  if (paths != nullptr) (*paths)[device.id] = device.path;
  if (devicesById_.count(device.id) != 0) return;  // read already (through `paths`)
  const Object* d = keep(std::move(device));
  devicesById_.emplace(d->id, d);
  devices_.push_back(d);
}

void ModelSnapshot::loadAllDevices(DevicePaths* paths) {
  if (allDevices_) return;
  if (paths != nullptr) paths->clear();
  for (auto& o : txn_.ofClass(cls::kDevice)) addDevice(std::move(o), paths);
  std::sort(devices_.begin(), devices_.end(),
            [](const Object* a, const Object* b) { return a->path < b->path; });
  allDevices_ = true;
}

void ModelSnapshot::loadCollectorDevices(std::string_view collector, DevicePaths* paths) {
  for (auto& o : txn_.devicesOfCollector(collector)) addDevice(std::move(o), paths);
  std::sort(devices_.begin(), devices_.end(),
            [](const Object* a, const Object* b) { return a->path < b->path; });
}

void ModelSnapshot::loadDevices(const std::vector<std::string>& names, DevicePaths& paths) {
  bool missed = false;
  for (const auto& name : names) {
    if (devicesById_.count(name) != 0) continue;
    auto it = paths.find(name);
    if (it != paths.end()) {
      auto o = txn_.get(it->second);
      if (o && o->className == cls::kDevice && o->id == name) {
        addDevice(std::move(*o), nullptr);
        continue;
      }
    }
    missed = true;
  }
  if (missed) {
    // A device we have not seen, or one that moved: read them all once (and remember where they
    // are for the next call), then keep those named.
    loadAllDevices(&paths);
    devices_.clear();
    for (const auto& name : names) {
      if (auto d = devicesById_.find(name); d != devicesById_.end()) devices_.push_back(d->second);
    }
  }
  std::sort(devices_.begin(), devices_.end(),
            [](const Object* a, const Object* b) { return a->path < b->path; });
  devices_.erase(std::unique(devices_.begin(), devices_.end()), devices_.end());
}

void ModelSnapshot::loadComponents(const std::vector<const Object*>& devices) {
  if (devices.empty()) return;
  if (devices.size() > kPerDeviceReadLimit) {
    std::vector<Oid> parents;
    parents.reserve(devices.size());
    for (const Object* d : devices) parents.push_back(d->oid);
    for (auto& o : txn_.childrenOf(parents)) {
      if (!isComponentClass(o.className)) continue;
      const Object* c = keep(std::move(o));
      children_[c->parent].push_back(c);
    }
  } else {
    for (const Object* d : devices) {
      for (auto& o : txn_.children(d->oid)) {
        if (!isComponentClass(o.className)) continue;
        const Object* c = keep(std::move(o));
        children_[c->parent].push_back(c);
      }
    }
  }
  for (const Object* d : devices) {
    auto it = children_.find(d->oid);
    if (it == children_.end()) continue;
    std::sort(it->second.begin(), it->second.end(),
              [](const Object* a, const Object* b) { return a->path < b->path; });
  }
}

const Object* ModelSnapshot::device(std::string_view id) const {
  auto it = devicesById_.find(id);
  return it == devicesById_.end() ? nullptr : it->second;
}

const Object* ModelSnapshot::collector(std::string_view name) const {
  auto it = collectors_.find(name);
  return it == collectors_.end() ? nullptr : it->second;
}

const Object* ModelSnapshot::byOid(Oid oid) const {
  auto it = byOid_.find(oid);
  return it == byOid_.end() ? nullptr : it->second;
}

std::string ModelSnapshot::deviceClassName(const Object& device) const {
  const Object* parent = byOid(device.parent);
  if (parent == nullptr) return "/";
  std::string_view path = parent->path;
  path.remove_prefix(std::min(path.size(), model::kDevicesRoot.size()));
  return path.empty() ? "/" : std::string(path);
}

std::optional<model::Value> ModelSnapshot::zProperty(const Object& object,
                                                     std::string_view name) const {
  const Object* o = &object;
  if (isComponentClass(o->className)) o = deviceOf(*o);
  while (o != nullptr) {
    if (o->className == cls::kDevice || o->className == cls::kDeviceClass) {
      auto it = o->properties.find(name);
      if (it != o->properties.end()) return it->second;
    }
    o = o->parent == model::kNoOid ? nullptr : byOid(o->parent);
  }
  return model::acquire({}, name);
}

std::string ModelSnapshot::zString(const Object& object, std::string_view name,
                                   std::string fallback) const {
  auto v = zProperty(object, name);
  if (v) {
    if (const auto* s = std::get_if<std::string>(&*v)) return *s;
  }
  return fallback;
}

std::int64_t ModelSnapshot::zInt(const Object& object, std::string_view name,
                                 std::int64_t fallback) const {
  auto v = zProperty(object, name);
  if (v) {
    if (const auto* i = std::get_if<std::int64_t>(&*v)) return *i;
    if (const auto* d = std::get_if<double>(&*v)) return static_cast<std::int64_t>(*d);
  }
  return fallback;
}

double ModelSnapshot::zNumber(const Object& object, std::string_view name, double fallback) const {
  auto v = zProperty(object, name);
  if (v) {
    if (const auto* i = std::get_if<std::int64_t>(&*v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&*v)) return *d;
  }
  return fallback;
}

bool ModelSnapshot::zBool(const Object& object, std::string_view name, bool fallback) const {
  auto v = zProperty(object, name);
  if (v) {
    if (const auto* b = std::get_if<bool>(&*v)) return *b;
  }
  return fallback;
}

model::StringList ModelSnapshot::zList(const Object& object, std::string_view name) const {
  auto v = zProperty(object, name);
  if (v) {
    if (const auto* l = std::get_if<model::StringList>(&*v)) return *l;
  }
  return {};
}

const Object* ModelSnapshot::templateAt(std::string_view path) const {
  auto it = templatesByPath_.find(path);
  return it == templatesByPath_.end() ? nullptr : it->second;
}

const Object* ModelSnapshot::findTemplate(const Object& object, std::string_view name) const {
  const Object* o = &object;
  if (isComponentClass(o->className)) o = deviceOf(*o);
  std::string path;
  while (o != nullptr) {
    if (o->className == cls::kDevice || o->className == cls::kDeviceClass) {
      path = model::childPath(o->path, cls::kTemplate, name);
      if (const Object* t = templateAt(path)) return t;
    }
    o = o->parent == model::kNoOid ? nullptr : byOid(o->parent);
  }
  return nullptr;
}

std::vector<const Object*> ModelSnapshot::boundTemplates(const Object& object) const {
  std::vector<const Object*> templates;
  if (object.className == cls::kDevice) {
    for (const auto& name : zList(object, "zDeviceTemplates")) {
      const Object* t = findTemplate(object, name);
      if (t != nullptr && std::find(templates.begin(), templates.end(), t) == templates.end())
        templates.push_back(t);
    }
  } else if (isComponentClass(object.className)) {
    if (const Object* t = findTemplate(object, model::componentTemplateName(object)))
      templates.push_back(t);
  }
  return templates;
}

const std::vector<const Object*>& ModelSnapshot::dataSources(const Object& tmpl) const {
  auto it = dataSources_.find(tmpl.oid);
  return it == dataSources_.end() ? kNone : it->second;
}

const std::vector<const Object*>& ModelSnapshot::thresholds(const Object& tmpl) const {
  auto it = templateThresholds_.find(tmpl.oid);
  return it == templateThresholds_.end() ? kNone : it->second;
}

bool ModelSnapshot::inProduction(const Object& device) const {
  std::int64_t state = model::getInt(device.properties, "productionState").value_or(1000);
  return state >= zInt(device, "zProdStateThreshold", 300);
}

bool ModelSnapshot::monitored(const Object& component) {
  return model::getBool(component.properties, "monitor").value_or(true);
}

}  // namespace zenhub::services
