// The `invalidations:` settings of zenhub.yaml (config/zenhub.yaml documents each).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "hub/invalidation/filters.h"

namespace zenhub::hub::invalidation {

struct InvalidationConfig {
  double pollInterval = 1;    // seconds between reads of the change feed
  double debounce = 0;        // quiet period before a cycle (0: at once)
  double maxDelay = 5;        // no pending change waits longer than this for its cycle to start
  int batchSize = 500;        // devices per worker call when computing configs
  double pushTimeout = 30;    // a listener that takes longer to answer a push is dropped
  double maxRetryDelay = 30;  // backoff ceiling while the store is unreachable
  bool keepPause = false;     // a pause survives a restart (kept in the state directory)
  std::vector<FilterRule> filters = FilterChain::defaults();
};

// Reads the `invalidations` mapping into `config`; appends "file:line:col: message" for every
// problem to `errors`.
void parseInvalidationConfig(const YAML::Node& node, const std::string& source, InvalidationConfig& config,
                             std::vector<std::string>& errors);

}  // namespace zenhub::hub::invalidation
