#include "hub/invalidation/invalidation_config.h"

#include <functional>
#include <map>
#include <stdexcept>

#include "hub/pool/yaml_values.h"

namespace zenhub::hub::invalidation {

namespace {

using pool::scalar;
using pool::where;

double seconds(const YAML::Node& n, double min, double max) {
  double v = scalar<double>(n, "a number of seconds");
  if (!(v >= min && v <= max)) {
    throw std::invalid_argument("must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

FilterRule parseFilter(const YAML::Node& n, const std::string& source, size_t index, std::vector<std::string>& errors) {
  FilterRule rule;
  rule.name = "filter#" + std::to_string(index + 1);
  bool hasAction = false;
  if (!n.IsMap()) {
    errors.push_back(where(source, n.Mark()) + ": invalidations.filters: each filter is a mapping");
    return rule;
  }
  for (const auto& item : n) {
    std::string key = item.first.Scalar();
    try {
      if (key == "name") {
        rule.name = scalar<std::string>(item.second, "a string");
      } else if (key == "weight") {
        rule.weight = scalar<int>(item.second, "an integer");
      } else if (key == "action") {
        auto a = scalar<std::string>(item.second, "include or exclude");
        if (a != "include" && a != "exclude") throw std::invalid_argument("'" + a + "' is not include or exclude");
        rule.include = a == "include";
        hasAction = true;
      } else if (key == "classes") {
        if (item.second.IsScalar()) {
          rule.classes.push_back(item.second.Scalar());
        } else if (item.second.IsSequence()) {
          for (const auto& c : item.second) rule.classes.push_back(scalar<std::string>(c, "a class name"));
        } else {
          throw std::invalid_argument("expected a class name or a list of them");
        }
      } else if (key == "path") {
        rule.path = scalar<std::string>(item.second, "a path");
        if (rule.path.empty() || rule.path[0] != '/') throw std::invalid_argument("must start with '/'");
      } else {
        errors.push_back(where(source, item.first.Mark()) + ": invalidations.filters: unknown key '" + key +
                         "' (name, weight, action, classes, path)");
      }
    } catch (const std::invalid_argument& e) {
      errors.push_back(where(source, item.second.Mark()) + ": invalidations.filters." + key + ": " + e.what());
    }
  }
  if (!hasAction) errors.push_back(where(source, n.Mark()) + ": invalidations.filters: '" + rule.name + "' needs an action");
  return rule;
}

}  // namespace

void parseInvalidationConfig(const YAML::Node& node, const std::string& source, InvalidationConfig& config,
                             std::vector<std::string>& errors) {
  if (!node.IsMap()) {
    errors.push_back(where(source, node.Mark()) + ": invalidations: expected a mapping");
    return;
  }
  using Reader = std::function<void(const YAML::Node&)>;
  const std::map<std::string, Reader> readers = {
      {"poll_interval", [&](const YAML::Node& n) { config.pollInterval = seconds(n, 0.01, 3600); }},
      {"debounce", [&](const YAML::Node& n) { config.debounce = seconds(n, 0, 3600); }},
      {"max_delay", [&](const YAML::Node& n) { config.maxDelay = seconds(n, 0, 3600); }},
      {"push_timeout", [&](const YAML::Node& n) { config.pushTimeout = seconds(n, 0.01, 3600); }},
      {"max_retry_delay", [&](const YAML::Node& n) { config.maxRetryDelay = seconds(n, 0.01, 3600); }},
      {"batch_size",
       [&](const YAML::Node& n) {
         int v = scalar<int>(n, "an integer");
         if (v < 1 || v > 100000) throw std::invalid_argument("must be between 1 and 100000");
         config.batchSize = v;
       }},
      {"keep_pause", [&](const YAML::Node& n) { config.keepPause = scalar<bool>(n, "true or false"); }},
      {"filters",
       [&](const YAML::Node& n) {
         if (!n.IsSequence()) throw std::invalid_argument("expected a list of filters");
         config.filters.clear();
         for (size_t i = 0; i < n.size(); ++i) config.filters.push_back(parseFilter(n[i], source, i, errors));
       }},
  };
  for (const auto& item : node) {
    std::string key = item.first.Scalar();
    auto it = readers.find(key);
    if (it == readers.end()) {
      errors.push_back(where(source, item.first.Mark()) + ": unknown setting 'invalidations." + key + "'");
      continue;
    }
    try {
      it->second(item.second);
    } catch (const std::invalid_argument& e) {
      errors.push_back(where(source, item.second.Mark()) + ": invalidations." + key + ": " + e.what());
    }
  }
  if (config.maxDelay < config.debounce) {
    errors.push_back(where(source, node.Mark()) + ": invalidations.max_delay must be at least debounce");
  }
}

}  // namespace zenhub::hub::invalidation
