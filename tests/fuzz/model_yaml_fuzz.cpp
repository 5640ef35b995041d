// Model YAML (zenhubctl model load): any bytes give object specs or a ModelError.
#include <cstdint>
#include <string>

#include "store/model_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)zenhub::store::parseModelYaml(text, "fuzz.yaml");
  } catch (const zenhub::store::ModelError& e) {
    if (e.issues().empty()) __builtin_trap();
  }
  return 0;
}
