// The built-in service interfaces by name, and the config struct each config service pushes:
// what lets `zenhubctl call` and `watch` turn JSON into requests and results into JSON.
#pragma once

#include <capnp/schema.h>

#include <optional>
#include <string>
#include <vector>

namespace zenhub::ctl {

struct ServiceSchema {
  capnp::InterfaceSchema interface;
  std::optional<capnp::StructSchema> config;  // config services: their DeviceConfig's config type
};

// nullopt for a name that is not a built-in service ("Hub" is the hub itself).
std::optional<ServiceSchema> findServiceSchema(const std::string& name);
std::vector<std::string> knownServiceNames();

}  // namespace zenhub::ctl
