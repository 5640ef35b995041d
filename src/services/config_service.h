// The shared base of the config services (PingConfig, SnmpConfig, CommandConfig, ProcessConfig,
// StatusConfig): the ConfigService methods, written once.
//
// Each call reads one consistent snapshot (ModelSnapshot), selects the devices of the service's
// monitor (perfServer), in production (productionState >= zProdStateThreshold), taken by this
// listener (ListenerOptions) and not excluded by the service; a service then plans each
// device's configs (zero, one, or one per address) and writes them. Planning before writing lets
// the reply's lists be sized exactly, so configs are built in place in the reply message.
#pragma once

#include <kj/async.h>

#include <memory>
#include <string>
#include <vector>

#include "services.capnp.h"
#include "services/errors.h"
#include "services/listener_options.h"
#include "services/model_snapshot.h"
#include "services/reply_size.h"
#include "services/schema_writers.h"
#include "zenhub/service_plugin.h"

namespace zenhub::services {

// What every plan carries: one config of one device.
struct ConfigPlan {
  const Object* device = nullptr;
  std::string configId;
  std::string address;  // the manage IP the config is for
};

// Reads a snapshot for one call and checks the monitor exists.
class CallSnapshot {
 public:
  CallSnapshot(store::Store& store, const std::string& monitor)
      : txn_(store.read()), model_(std::make_unique<ModelSnapshot>(*txn_)) {
    collector_ = model_->collector(monitor);
    if (collector_ == nullptr) {
      throw serviceError("unknownMonitor", "Unknown performance monitor: '" + monitor + "'");
    }
  }
  ModelSnapshot& model() { return *model_; }
  const Object& collector() const { return *collector_; }

 private:
  std::unique_ptr<store::ReadTransaction> txn_;
  std::unique_ptr<ModelSnapshot> model_;  // after txn_: destroyed first
  const Object* collector_ = nullptr;
};

// A collector's cycle interval property (pingCycleInterval, ...), or `fallback`.
std::uint32_t cycleInterval(const Object& collector, std::string_view name, std::uint32_t fallback);
// The collector's thresholds on its own metrics: those of the template "PerformanceConf" on
// /Devices (ZenHub keeps them on the collectors' organizer), and the distinct threshold classes.
std::vector<ThresholdInstance> collectorThresholds(const ModelSnapshot& model);
std::vector<std::string> thresholdClasses(const ModelSnapshot& model);

template <typename Interface, typename Config, typename Plan>
class ConfigServiceBase : public Interface::Server {
  using Generic = typename schema::ConfigService<Config>::Server;

 public:
  ConfigServiceBase(ServiceContext& context, std::string name)
      : name_(std::move(name)),
        store_(context.store),
        monitor_(context.monitor),
        events_(context.events),
        options_(ListenerOptions::parse(name_, context.options)) {}

 protected:
  using GetDeviceNamesContext = typename Generic::GetDeviceNamesContext;
  using GetDeviceConfigsContext = typename Generic::GetDeviceConfigsContext;
  using GetConfigPropertiesContext = typename Generic::GetConfigPropertiesContext;
  using GetThresholdClassesContext = typename Generic::GetThresholdClassesContext;
  using GetCollectorThresholdsContext = typename Generic::GetCollectorThresholdsContext;

  // The service's own exclusions (zPingMonitorIgnore, no manage IP, ...).
  virtual bool excluded(const ModelSnapshot& model, const Object& device) const = 0;
  // The device's configs; none leaves the device out.
  virtual void plan(const ModelSnapshot& model, const Object& collector, const Object& device,
                    std::vector<Plan>& out) = 0;
  virtual void write(const ModelSnapshot& model, const Object& collector, const Plan& plan,
                     typename Config::Builder out) = 0;
  // Called once every device of a call is planned (to flush what planning reported).
  virtual void planned() {}

  const std::string& name() const { return name_; }
  const std::string& monitor() const { return monitor_; }
  store::EventStore* events() const { return events_; }

  kj::Promise<void> getDeviceNames(GetDeviceNamesContext context) override {
    CallSnapshot call(store_, monitor_);
    call.model().loadCollectorDevices(monitor_, &paths_);
    auto devices = select(call.model());
    auto names = context.getResults(replySize(devices.size() * 4))
                     .initNames(static_cast<unsigned>(devices.size()));
    for (unsigned i = 0; i < devices.size(); ++i) names.set(i, devices[i]->id);
    return kj::READY_NOW;
  }

  kj::Promise<void> getDeviceConfigs(GetDeviceConfigsContext context) override {
    CallSnapshot call(store_, monitor_);
    ModelSnapshot& model = call.model();
    auto names = context.getParams().getNames();
    if (names.size() == 0) {
      model.loadCollectorDevices(monitor_, &paths_);  // only this monitor's devices: see select()
    } else {
      std::vector<std::string> wanted;
      wanted.reserve(names.size());
      for (auto n : names) wanted.emplace_back(n.cStr());
      model.loadDevices(wanted, paths_);
    }
    auto devices = select(model);
    model.loadComponents(devices);
    std::vector<Plan> plans;
    plans.reserve(devices.size());
    for (const Object* device : devices) plan(model, call.collector(), *device, plans);
    planned();
    auto out = context.getResults(replySize(plans.size() * 512))
                   .initConfigs(static_cast<unsigned>(plans.size()));
    for (unsigned i = 0; i < plans.size(); ++i) {
      const Plan& p = plans[i];
      auto config = out[i];
      config.setDeviceId(p.device->id);
      config.setConfigId(p.configId);
      config.setManageIp(p.address);
      write(model, call.collector(), p, config.initConfig());
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> getConfigProperties(GetConfigPropertiesContext context) override {
    // Only the collector object is needed: one lookup, not a model snapshot.
    auto txn = store_.read();
    auto collector = txn->get(std::string(model::kCollectorsRoot) + "/" + monitor_);
    if (!collector || collector->className != model::cls::kCollector) {
      throw serviceError("unknownMonitor", "Unknown performance monitor: '" + monitor_ + "'");
    }
    const auto& properties = collector->properties;
    writePropertyItems(context.getResults(replySize(properties.size() * 8))
                           .initItems(static_cast<unsigned>(properties.size())),
                       properties);
    return kj::READY_NOW;
  }

  kj::Promise<void> getThresholdClasses(GetThresholdClassesContext context) override {
    CallSnapshot call(store_, monitor_);
    auto classes = thresholdClasses(call.model());
    auto out = context.getResults(replySize(classes.size() * 4))
                   .initClasses(static_cast<unsigned>(classes.size()));
    for (unsigned i = 0; i < classes.size(); ++i) out.set(i, classes[i]);
    return kj::READY_NOW;
  }

  kj::Promise<void> getCollectorThresholds(GetCollectorThresholdsContext context) override {
    CallSnapshot call(store_, monitor_);
    auto thresholds = collectorThresholds(call.model());
    writeThresholds(context.getResults(replySize(thresholds.size() * 32))
                        .initThresholds(static_cast<unsigned>(thresholds.size())),
                    thresholds);
    return kj::READY_NOW;
  }

 private:
  // The loaded devices this listener gets configs for: its monitor's (store::deviceCollector,
  // the rule of the store's collector index, so a full call reads just those), in production,
  // taken by this listener and not excluded by the service.
  std::vector<const Object*> select(const ModelSnapshot& model) const {
    std::vector<const Object*> out;
    for (const Object* device : model.devices()) {
      if (store::deviceCollector(*device) != monitor_) continue;
      if (!options_.takes(device->id) || !model.inProduction(*device) || excluded(model, *device))
        continue;
      out.push_back(device);
    }
    return out;
  }

  std::string name_;
  store::Store& store_;
  std::string monitor_;
  store::EventStore* events_;
  ListenerOptions options_;
  DevicePaths& paths_ = sharedDevicePaths(store_);  // after store_
};

}  // namespace zenhub::services
