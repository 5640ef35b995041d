// The part of a store snapshot a service call needs, read in bulk and indexed in memory.
//
// Services must stay fast on big models (10,000 devices' configs in well under 2 s), so they never
// ask the store one question per property per device. A ModelSnapshot reads the model's
// structure (collectors, device classes, templates with their datasources, datapoints and
// thresholds) with one query per class, then the devices a call needs (those of one collector, from
// the store's collector index; or those named) and their components (one small query per device
// for a few devices, batches of devices otherwise; never the components of the whole model).
// zProperty acquisition and template binding then run in memory, with the same rules as
// store/model_queries.h.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace zenhub::services {

using model::Object;
using model::Oid;

// Where each device id was last seen (device id -> path), kept by a service instance across
// calls so that a call for a few named devices reads just those. A stale entry is harmless: the
// object at the path is re-read from the snapshot and checked.
using DevicePaths = std::unordered_map<std::string, std::string>;

// The device paths every service instance on `store` shares: where a device is does not depend
// on the service or the monitor, so the first call that reads all devices serves every instance
// after it (a worker serves thousands of (service, monitor) instances; without this each one's
// first call for a few named devices read the whole model). Services run on one thread.
DevicePaths& sharedDevicePaths(const store::Store& store);

class ModelSnapshot {
 public:
  // Reads the structure. `txn` must outlive the snapshot.
  explicit ModelSnapshot(store::ReadTransaction& txn);
  ModelSnapshot(const ModelSnapshot&) = delete;
  ModelSnapshot& operator=(const ModelSnapshot&) = delete;

  // Loads every device (refreshing `paths` when given).
  void loadAllDevices(DevicePaths* paths = nullptr);
  // Loads the devices of the collector `collector` (store::deviceCollector), and only those:
  // what a collector's full getDeviceConfigs needs, read from the store's index whatever the
  // size of the model. Records where each is in `paths` when given (entries of other devices
  // stay: a stale one is re-checked when used).
  void loadCollectorDevices(std::string_view collector, DevicePaths* paths = nullptr);
  // Loads the devices named (unknown names are left out), through `paths`; falls back to reading
  // every device when a name is not found there.
  void loadDevices(const std::vector<std::string>& names, DevicePaths& paths);
  // Loads the components of `devices` (devices of this snapshot).
  void loadComponents(const std::vector<const Object*>& devices);

  // Loaded devices, by path. `totalDevices` is known only after loadAllDevices.
  const std::vector<const Object*>& devices() const { return devices_; }
  const Object* device(std::string_view id) const;
  const Object* collector(std::string_view name) const;
  const Object* byOid(Oid oid) const;

  // The device's components (after loadComponents), by path.
  const std::vector<const Object*>& components(const Object& device) const {
    return childrenOf(device.oid);
  }
  // A component's device.
  const Object* deviceOf(const Object& component) const { return byOid(component.parent); }
  // "/Server/Linux" for a device of /Devices/Server/Linux ("/" for /Devices).
  std::string deviceClassName(const Object& device) const;
  const std::vector<const Object*>& deviceClasses() const { return classes_; }
  const std::vector<const Object*>& thresholdObjects() const { return thresholds_; }

  // zProperty acquisition (device or component, then its classes up to /Devices, then the
  // built-in defaults).
  std::optional<model::Value> zProperty(const Object& object, std::string_view name) const;
  std::string zString(const Object& object, std::string_view name, std::string fallback = {}) const;
  std::int64_t zInt(const Object& object, std::string_view name, std::int64_t fallback) const;
  double zNumber(const Object& object, std::string_view name, double fallback) const;
  bool zBool(const Object& object, std::string_view name, bool fallback) const;
  model::StringList zList(const Object& object, std::string_view name) const;

  // Template binding: a device's zDeviceTemplates, a component's type template; each name is
  // looked up on the device itself, then its class and each parent class.
  std::vector<const Object*> boundTemplates(const Object& object) const;
  const Object* findTemplate(const Object& object, std::string_view name) const;
  const Object* templateAt(std::string_view path) const;
  // A template's datasources and thresholds, a datasource's datapoints, by path.
  const std::vector<const Object*>& dataSources(const Object& tmpl) const;
  const std::vector<const Object*>& thresholds(const Object& tmpl) const;
  const std::vector<const Object*>& dataPoints(const Object& dataSource) const {
    return childrenOf(dataSource.oid);
  }

  // Whether a device is monitored at all: productionState >= zProdStateThreshold (Zenoss's
  // monitorDevice()).
  bool inProduction(const Object& device) const;
  // Whether a component is monitored: its `monitor` property (default true).
  static bool monitored(const Object& component);

 private:
  const Object* keep(Object object);
  const std::vector<const Object*>& childrenOf(Oid oid) const;
  void addDevice(Object device, DevicePaths* paths);

  store::ReadTransaction& txn_;
  std::deque<Object> objects_;  // owns every object read; a deque keeps their addresses stable
  std::unordered_map<Oid, const Object*> byOid_;
  std::unordered_map<Oid, std::vector<const Object*>>
      children_;  // datasources' datapoints, devices' components
  std::unordered_map<Oid, std::vector<const Object*>> dataSources_;         // by template
  std::unordered_map<Oid, std::vector<const Object*>> templateThresholds_;  // by template
  std::unordered_map<std::string_view, const Object*> templatesByPath_;
  std::unordered_map<std::string_view, const Object*> collectors_;
  std::unordered_map<std::string_view, const Object*> devicesById_;
  std::vector<const Object*> classes_;
  std::vector<const Object*> thresholds_;
  std::vector<const Object*> devices_;
  bool allDevices_ = false;
};

}  // namespace zenhub::services
