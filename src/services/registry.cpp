#include "services/registry.h"

#include <stdexcept>

#include "services.capnp.h"
#include "services/builtin_services.h"
#include "services/errors.h"
#include "services/plugin_libraries.h"

namespace zenhub::services {

ServiceRegistry::ServiceRegistry() : libraries_(std::make_unique<PluginLibraries>()) {
  addBuiltinServices(*this);
}

ServiceRegistry::~ServiceRegistry() {
  // Factories may hold code of plugin libraries: drop them before the libraries close.
  services_.clear();
}

void ServiceRegistry::add(const std::string& name, capnp::InterfaceSchema schema,
                          ServiceFactory factory) {
  if (name.empty()) throw std::runtime_error("a service needs a name");
  if (!factory) throw std::runtime_error("service " + name + " has no factory");
  if (!services_.emplace(name, Entry{schema, std::move(factory)}).second) {
    throw std::runtime_error("service name " + name + " is already taken");
  }
}

void ServiceRegistry::loadPlugins(const std::string& directory) {
  libraries_->loadDirectory(directory, *this);
}

std::vector<std::string> ServiceRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(services_.size());
  for (const auto& [name, entry] : services_) out.push_back(name);
  return out;
}

std::optional<capnp::InterfaceSchema> ServiceRegistry::interfaceOf(const std::string& name) const {
  auto it = services_.find(name);
  if (it == services_.end()) return std::nullopt;
  return it->second.schema;
}

capnp::Capability::Client ServiceRegistry::make(const std::string& name, ServiceContext context) {
  auto it = services_.find(name);
  if (it == services_.end()) {
    std::string known;
    for (const auto& [n, entry] : services_) known += (known.empty() ? "" : ", ") + n;
    throw serviceError("unknownService", "no service named '" + name + "' (known: " + known + ")");
  }
  return it->second.factory(context);
}

}  // namespace zenhub::services
