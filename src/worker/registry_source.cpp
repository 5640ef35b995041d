#include "worker/registry_source.h"

#include "services.capnp.h"

#ifdef ZENHUB_WORKER_HAS_REGISTRY
#include "services/registry.h"
#endif

namespace zenhub::worker {

bool implementsConfigService(capnp::InterfaceSchema iface) {
  // A generic interface's instances differ in their brand only: compare the generic's id.
  if (iface.getProto().getId() == capnp::typeId<schema::ConfigService<>>()) return true;
  for (auto super : iface.getSuperclasses()) {
    if (implementsConfigService(super)) return true;
  }
  return false;
}

#ifdef ZENHUB_WORKER_HAS_REGISTRY
namespace {

class RegistrySource final : public ServiceSource {
 public:
  RegistrySource(store::Store& store, store::EventStore* events, const std::string& pluginDir)
      : store_(store), events_(events) {
    if (!pluginDir.empty()) registry_.loadPlugins(pluginDir);
  }
  std::vector<std::string> names() const override { return registry_.names(); }
  std::vector<std::string> configServices() const override {
    std::vector<std::string> out;
    for (const auto& name : registry_.names()) {
      auto iface = registry_.interfaceOf(name);
      if (iface && implementsConfigService(*iface)) out.push_back(name);
    }
    return out;
  }
  capnp::Capability::Client make(const std::string& service, const std::string& monitor,
                                 const ServiceOptions& options) override {
    return registry_.make(service, services::ServiceContext{store_, monitor, options, events_});
  }

 private:
  store::Store& store_;
  store::EventStore* events_;
  services::ServiceRegistry registry_;
};

}  // namespace

std::unique_ptr<ServiceSource> makeRegistrySource(store::Store& store, store::EventStore* events,
                                                  const std::string& pluginDir) {
  return std::make_unique<RegistrySource>(store, events, pluginDir);
}
#else
std::unique_ptr<ServiceSource> makeRegistrySource(store::Store&, store::EventStore*, const std::string&) {
  return nullptr;
}
#endif

}  // namespace zenhub::worker
