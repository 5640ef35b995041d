// Reading zenhub.yaml values, shared by the hub's settings (hub/config.cpp) and the pool's
// (pool_config.cpp): positions as "file:line:col" and typed scalars with a clear message.
#pragma once

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>

namespace zenhub::hub::pool {

inline std::string where(const std::string& source, const YAML::Mark& mark) {
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// The node as a T; throws std::invalid_argument("expected <what>, got '...'") otherwise.
template <typename T>
T scalar(const YAML::Node& node, const char* what) {
  if (!node.IsScalar()) throw std::invalid_argument(std::string("expected ") + what);
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw std::invalid_argument(std::string("expected ") + what + ", got '" + node.Scalar() + "'");
  }
}

}  // namespace zenhub::hub::pool
