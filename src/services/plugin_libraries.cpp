#include "services/plugin_libraries.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "services/registry.h"
#include "zenhub/service_plugin.h"

namespace zenhub::services {

namespace fs = std::filesystem;

namespace {

// Collects a plugin's registrations, then hands them to the registry only if every one is
// acceptable, so a plugin is loaded entirely or not at all.
class CollectingRegistrar final : public PluginRegistrar {
 public:
  struct Registration {
    std::string name;
    capnp::InterfaceSchema schema;
    ServiceFactory factory;
  };
  void add(const std::string& name, capnp::InterfaceSchema schema,
           ServiceFactory factory) override {
    registrations.push_back(Registration{name, schema, std::move(factory)});
  }
  std::vector<Registration> registrations;
};

}  // namespace

PluginLibraries::~PluginLibraries() {
  for (auto it = handles_.rbegin(); it != handles_.rend(); ++it) dlclose(*it);
}

void PluginLibraries::loadDirectory(const std::string& directory, ServiceRegistry& registry) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    throw std::runtime_error("plugin directory " + directory +
                             " does not exist or is not a directory");
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".so")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) load(file, registry);
}

void PluginLibraries::load(const std::string& file, ServiceRegistry& registry) {
  // RTLD_LOCAL: plugins do not see each other's symbols; RTLD_NOW: a missing symbol fails here,
  // not in the middle of a call.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    throw std::runtime_error("cannot load service plugin " + file + ": " +
                             (error ? error : "unknown error"));
  }
  try {
    auto* abi = reinterpret_cast<ZenhubPluginAbiFn*>(dlsym(handle, "zenhubServicePluginAbi"));
    auto* entry =
        reinterpret_cast<ZenhubRegisterServicesFn*>(dlsym(handle, "zenhubRegisterServices"));
    if (abi == nullptr || entry == nullptr) {
      throw std::runtime_error(
          "service plugin " + file +
          " has no zenhubRegisterServices entry point (define it with ZENHUB_SERVICE_PLUGIN)");
    }
    if (int version = abi(); version != ZENHUB_SERVICE_PLUGIN_ABI) {
      throw std::runtime_error("service plugin " + file + " was built for plugin ABI " +
                               std::to_string(version) + ", this worker has ABI " +
                               std::to_string(ZENHUB_SERVICE_PLUGIN_ABI) +
                               ": rebuild it against this zenhub");
    }
    CollectingRegistrar registrar;
    try {
      entry(registrar);
    } catch (const std::exception& e) {
      throw std::runtime_error("service plugin " + file + " failed to register: " + e.what());
    }
    if (registrar.registrations.empty())
      throw std::runtime_error("service plugin " + file + " registers no service");
    auto taken = registry.names();
    for (const auto& r : registrar.registrations) {
      if (std::find(taken.begin(), taken.end(), r.name) != taken.end()) {
        throw std::runtime_error("service plugin " + file + ": service name " + r.name +
                                 " is already taken");
      }
      taken.push_back(r.name);
    }
    for (auto& r : registrar.registrations) registry.add(r.name, r.schema, std::move(r.factory));
  } catch (...) {
    dlclose(handle);
    throw;
  }
  handles_.push_back(handle);
}

}  // namespace zenhub::services
