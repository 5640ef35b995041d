// The services a worker can run: the built-ins and those of plugins, by name.
//
// The worker receives a forwarded call (service name, monitor, options, interface and method
// ids, params) and asks the registry for the typed capability of that (name, monitor, options)
// instance; it then dispatches the call on it with typelessRequest. The registry only makes
// instances: caching them (one per name, monitor and options) is the worker's business.
#pragma once

#include <capnp/capability.h>
#include <capnp/schema.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zenhub/service_plugin.h"

namespace zenhub::services {

class PluginLibraries;

class ServiceRegistry {
 public:
  // The built-ins: EventService, PingConfig, SnmpConfig, CommandConfig, ProcessConfig,
  // StatusConfig, ModelerService.
  ServiceRegistry();
  ~ServiceRegistry();
  ServiceRegistry(const ServiceRegistry&) = delete;
  ServiceRegistry& operator=(const ServiceRegistry&) = delete;

  // Loads every `*.so` in `directory` (in name order) as a service plugin
  // (include/zenhub/service_plugin.h). Throws std::runtime_error naming the file and the cause
  // for a library that cannot be loaded, lacks the entry point, was built for another plugin ABI,
  // or registers a name already taken; services registered before the failure stay. A missing
  // directory is an error too (a configured directory that is not there is a mistake).
  void loadPlugins(const std::string& directory);

  // Every service name, sorted.
  std::vector<std::string> names() const;
  // The interface of service `name` (for method names in stats and routing); nullopt if unknown.
  std::optional<capnp::InterfaceSchema> interfaceOf(const std::string& name) const;

  // The capability for service `name`; throws kj::Exception "zenhub.unknownService: ..." when
  // unknown, "zenhub.badOption: ..." when the service refuses the options.
  capnp::Capability::Client make(const std::string& name, ServiceContext context);

  // Adds a service (plugins do it through PluginRegistrar). Throws std::runtime_error when the
  // name is taken.
  void add(const std::string& name, capnp::InterfaceSchema schema, ServiceFactory factory);

 private:
  struct Entry {
    capnp::InterfaceSchema schema;
    ServiceFactory factory;
  };
  std::map<std::string, Entry> services_;
  // dlopen handles; closed after every factory they provided is gone (the registry's end). Service
  // instances a plugin made must be dropped before the registry.
  std::unique_ptr<PluginLibraries> libraries_;
};

}  // namespace zenhub::services
