#include "services/modeler_service.h"

#include <set>

#include "services.capnp.h"
#include "services/datamap_apply.h"
#include "services/errors.h"
#include "services/model_snapshot.h"
#include "services/reply_size.h"
#include "services/schema_writers.h"

namespace zenhub::services {

namespace {

class ModelerServiceImpl final : public schema::ModelerService::Server {
 public:
  ModelerServiceImpl(store::Store& store, std::string monitor)
      : store_(store), monitor_(std::move(monitor)) {}

 protected:
  kj::Promise<void> getDeviceListByMonitor(GetDeviceListByMonitorContext context) override {
    std::string monitor = context.getParams().getMonitor();
    if (monitor.empty()) monitor = monitor_;
    auto txn = store_.read();
    std::vector<std::string> ids;
    for (const auto& d : txn->devicesOfCollector(monitor)) ids.push_back(d.id);
    auto out = context.getResults(replySize(ids.size() * 4))
                   .initDevices(static_cast<unsigned>(ids.size()));
    for (unsigned i = 0; i < ids.size(); ++i) out.set(i, ids[i]);
    return kj::READY_NOW;
  }

  kj::Promise<void> getClassCollectorPlugins(GetClassCollectorPluginsContext context) override {
    auto txn = store_.read();
    ModelSnapshot model(*txn);
    std::vector<const Object*> classes;
    for (const Object* c : model.deviceClasses()) {
      if (c->properties.count("zCollectorPlugins") != 0) classes.push_back(c);
    }
    auto out = context.getResults(replySize(classes.size() * 32))
                   .initClasses(static_cast<unsigned>(classes.size()));
    for (unsigned i = 0; i < classes.size(); ++i) {
      std::string_view path = classes[i]->path;
      path.remove_prefix(model::kDevicesRoot.size());
      out[i].setDeviceClass(path.empty() ? "/" : std::string(path));
      auto plugins =
          model::getList(classes[i]->properties, "zCollectorPlugins").value_or(model::StringList{});
      auto list = out[i].initPlugins(static_cast<unsigned>(plugins.size()));
      for (unsigned k = 0; k < plugins.size(); ++k) list.set(k, plugins[k]);
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> getDeviceConfig(GetDeviceConfigContext context) override {
    auto params = context.getParams();
    auto txn = store_.read();
    ModelSnapshot model(*txn);
    std::vector<const Object*> devices;
    if (params.getNames().size() == 0) {
      model.loadCollectorDevices(monitor_, &paths_);
      devices = model.devices();
    } else {
      std::vector<std::string> names;
      for (auto n : params.getNames()) names.emplace_back(n);
      model.loadDevices(names, paths_);
      devices = model.devices();
    }
    if (params.getCheckStatus()) {
      std::erase_if(devices, [&](const Object* d) { return !model.inProduction(*d); });
    }
    auto out = context.getResults(replySize(devices.size() * 128))
                   .initDevices(static_cast<unsigned>(devices.size()));
    for (unsigned i = 0; i < devices.size(); ++i) {
      const Object& d = *devices[i];
      auto config = out[i];
      config.setId(d.id);
      config.setManageIp(model::getString(d.properties, "manageIp").value_or(""));
      config.setDeviceClass(model.deviceClassName(d));
      auto plugins = model.zList(d, "zCollectorPlugins");
      auto list = config.initPlugins(static_cast<unsigned>(plugins.size()));
      for (unsigned k = 0; k < plugins.size(); ++k) list.set(k, plugins[k]);
      model::Properties resolved = resolvedZProperties(model, d);
      writePropertyItems(config.initProperties(static_cast<unsigned>(resolved.size())), resolved);
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> applyDataMaps(ApplyDataMapsContext context) override {
    context.getResults(replySize(8))
        .setChanged(apply(context.getParams().getDevice(), context.getParams().getMaps()));
    return kj::READY_NOW;
  }

  kj::Promise<void> singleApplyDataMaps(SingleApplyDataMapsContext context) override {
    context.getResults(replySize(8))
        .setChanged(apply(context.getParams().getDevice(), context.getParams().getMaps()));
    return kj::READY_NOW;
  }

 private:
  bool apply(capnp::Text::Reader device, capnp::List<schema::DataMap>::Reader maps) {
    auto txn = store_.write();
    bool changed = services::applyDataMaps(*txn, device, maps, paths_);
    if (changed) txn->commit();
    return changed;
  }

  // Every zProperty that applies to the device: the defaults, overridden by each class from
  // /Devices down, then by the device.
  static model::Properties resolvedZProperties(const ModelSnapshot& model, const Object& device) {
    model::Properties out = model::zPropertyDefaults();
    std::vector<const Object*> chain;
    for (const Object* o = &device; o != nullptr;
         o = o->parent == model::kNoOid ? nullptr : model.byOid(o->parent)) {
      chain.push_back(o);
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      for (const auto& [name, value] : (*it)->properties) {
        if (model::isZPropertyName(name)) out[name] = value;
      }
    }
    return out;
  }

  store::Store& store_;
  std::string monitor_;
  DevicePaths& paths_ = sharedDevicePaths(store_);  // after store_
};

}  // namespace

capnp::Capability::Client makeModelerService(ServiceContext& context) {
  if (!context.options.empty()) {
    throw serviceError("badOption", "ModelerService does not accept option '" +
                                        context.options.front().first + "' (it takes no options)");
  }
  return kj::heap<ModelerServiceImpl>(context.store, context.monitor);
}

}  // namespace zenhub::services
