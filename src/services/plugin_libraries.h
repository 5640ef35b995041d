// The shared libraries of plugin services: dlopen, ABI check, registration, dlclose.
#pragma once

#include <string>
#include <vector>

namespace zenhub::services {

class ServiceRegistry;

class PluginLibraries {
 public:
  PluginLibraries() = default;
  // Closes the libraries: everything they provided must be gone by then.
  ~PluginLibraries();
  PluginLibraries(const PluginLibraries&) = delete;
  PluginLibraries& operator=(const PluginLibraries&) = delete;

  // Loads every `*.so` of `directory`, in name order, registering their services in `registry`.
  // Throws std::runtime_error naming the library and the cause at the first one that fails.
  void loadDirectory(const std::string& directory, ServiceRegistry& registry);
  // Loads one library.
  void load(const std::string& file, ServiceRegistry& registry);

 private:
  std::vector<void*> handles_;
};

}  // namespace zenhub::services
