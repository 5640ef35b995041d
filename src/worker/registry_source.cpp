#include "worker/registry_source.h"

#ifdef ZENHUB_WORKER_HAS_REGISTRY
#include "services/registry.h"
#endif

namespace zenhub::worker {

#ifdef ZENHUB_WORKER_HAS_REGISTRY
namespace {

class RegistrySource final : public ServiceSource {
 public:
  RegistrySource(store::Store& store, store::EventStore* events, const std::string& pluginDir)
      : store_(store), events_(events) {
    if (!pluginDir.empty()) registry_.loadPlugins(pluginDir);
  }
  std::vector<std::string> names() const override { return registry_.names(); }
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
