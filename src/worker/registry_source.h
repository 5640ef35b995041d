// The production ServiceSource: the services registry (built-in and plugin services) on the
// worker's store. Null when this build has no registry yet (src/services in progress).
#pragma once

#include <capnp/schema.h>

#include <memory>
#include <string>

#include "store/event_store.h"
#include "store/store.h"
#include "worker/service_source.h"

namespace zenhub::worker {

// True when `iface` is ConfigService(...) or extends it, directly or not, whatever the brand.
bool implementsConfigService(capnp::InterfaceSchema iface);

// `store` and `events` (may be null: EventService then refuses to start) must outlive the
// source and every capability it made. Throws when a plugin cannot be loaded.
std::unique_ptr<ServiceSource> makeRegistrySource(store::Store& store, store::EventStore* events,
                                                  const std::string& pluginDir);

}  // namespace zenhub::worker
