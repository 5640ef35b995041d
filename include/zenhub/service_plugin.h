// The service plugin SDK: how a shared library adds services to zenhub's workers.
//
// A plugin is a shared library (built with the same compiler, standard library, Cap'n Proto and
// zenhub headers as the worker) that defines, with ZENHUB_SERVICE_PLUGIN below, one C entry
// point. The worker dlopen()s every `*.so` of its plugin directory at start and calls the entry
// point with a registrar; the plugin registers each service: its name (what collectors pass to
// `Hub.getService`), its Cap'n Proto interface (so the worker can name its methods) and a factory
// that makes the capability for one (service, monitor, options) instance.
//
//   #include "zenhub/service_plugin.h"
//   #include "inventory.capnp.h"
//   class InventoryImpl final : public sample::Inventory::Server { ... };
//   ZENHUB_SERVICE_PLUGIN(registrar) {
//     registrar.add("Inventory", capnp::Schema::from<sample::Inventory>(),
//                   [](zenhub::services::ServiceContext& context) -> capnp::Capability::Client {
//                     return kj::heap<InventoryImpl>(context.store, context.monitor);
//                   });
//   }
//
// The plugin talks to the store only through its interfaces (store::Store, ReadTransaction,
// WriteTransaction: virtual calls); zenhub's own free functions are not exported to plugins.
// docs/writing-services.md walks through the sample plugin (src/services/sample_plugin).
#pragma once

#include <capnp/capability.h>
#include <capnp/schema.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace zenhub::store {
class EventStore;
}

// Bumped whenever anything a plugin sees changes incompatibly (this header, ServiceContext,
// store::Store's interface): the worker refuses a plugin built against another version.
#define ZENHUB_SERVICE_PLUGIN_ABI 2

namespace zenhub::services {

// What a service instance is made for. The references outlive the instance: the worker owns
// the store connection and the event store for its whole life, and drops every service instance
// before closing them.
struct ServiceContext {
  store::Store& store;  // the worker's store connection (one thread: the worker's)
  std::string monitor;  // the collector (monitor) this instance serves
  // Per-listener options from getService. Each service declares the keys it accepts and refuses
  // any other with zenhub.badOption (collectors once sent whole option sets, passwords included).
  std::vector<std::pair<std::string, std::string>> options;
  // The event store (events tables of the same store), for EventService and for services that
  // report problems as events. May be null: EventService then refuses to start, others just do
  // not report.
  store::EventStore* events = nullptr;
};

// Makes one service instance. Throw kj::Exception ("zenhub.badOption: ...") for bad options.
using ServiceFactory = std::function<capnp::Capability::Client(ServiceContext& context)>;

// Handed to a plugin's entry point; lives only for that call.
class PluginRegistrar {
 public:
  virtual ~PluginRegistrar() = default;
  // Registers service `name` with interface `schema`. A name that is already taken (by a
  // built-in or another plugin) makes the whole plugin fail to load.
  virtual void add(const std::string& name, capnp::InterfaceSchema schema,
                   ServiceFactory factory) = 0;
};

}  // namespace zenhub::services

// The symbols the worker looks up. Use ZENHUB_SERVICE_PLUGIN rather than naming them.
extern "C" {
using ZenhubPluginAbiFn = int();
using ZenhubRegisterServicesFn = void(zenhub::services::PluginRegistrar&);
}

// Defines the plugin's entry point: ZENHUB_SERVICE_PLUGIN(registrar) { registrar.add(...); }
// (The argument is the parameter's name, so it cannot be parenthesised.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ZENHUB_SERVICE_PLUGIN(registrarName)                                       \
  extern "C" __attribute__((visibility("default"))) int zenhubServicePluginAbi() { \
    return ZENHUB_SERVICE_PLUGIN_ABI;                                              \
  }                                                                                \
  extern "C" __attribute__((visibility("default"))) void zenhubRegisterServices(   \
      zenhub::services::PluginRegistrar& registrarName)
// NOLINTEND(bugprone-macro-parentheses)
