// zenhub.yaml: any bytes give a configuration or a ConfigError listing problems.
#include <cstdint>
#include <string>

#include "hub/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  zenhub::hub::HubConfig config;
  try {
    zenhub::hub::applyYaml(config, text, "fuzz.yaml");
    (void)zenhub::hub::validate(config);
  } catch (const zenhub::hub::ConfigError& e) {
    if (e.errors().empty()) __builtin_trap();  // an error must say what is wrong
  }
  return 0;
}
