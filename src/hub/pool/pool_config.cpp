#include "hub/pool/pool_config.h"
#include "hub/pool/yaml_values.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace zenhub::hub::pool {

namespace {

Duration seconds(const YAML::Node& node, double min) {
  double v = scalar<double>(node, "a number of seconds");
  if (!(v >= min) || !std::isfinite(v)) throw std::invalid_argument("must be at least " + std::to_string(min));
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(v));
}

int64_t integer(const YAML::Node& node, int64_t min, int64_t max) {
  auto v = scalar<int64_t>(node, "an integer");
  if (v < min || v > max) {
    throw std::invalid_argument("must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

// Runs `parse` on a node, turning its std::invalid_argument into an error at the node.
template <typename F>
void at(const YAML::Node& node, const std::string& source, const std::string& key,
        std::vector<std::string>& errors, F&& parse) {
  try {
    parse();
  } catch (const std::invalid_argument& e) {
    errors.push_back(where(source, node.Mark()) + ": " + key + ": " + e.what());
  }
}

void defaultRoutes(PoolConfig& c) {
  c.routes.clear();
  c.routes.push_back({{"*", "*"}, {"default", {}}});
  if (c.pools.count("events")) c.routes.push_back({{"EventService", "*"}, {"events", {}}});
  if (c.pools.count("modeling")) {
    c.routes.push_back({{"*", "applyDataMaps"}, {"modeling", {}}});
    c.routes.push_back({{"*", "singleApplyDataMaps"}, {"modeling", {}}});
  }
}

void parsePools(const YAML::Node& node, const std::string& source, PoolConfig& c,
                std::vector<std::string>& errors) {
  if (!node.IsMap() || node.size() == 0) {
    errors.push_back(where(source, node.Mark()) + ": pools: expected a mapping of pool names to worker counts");
    return;
  }
  c.pools.clear();
  for (const auto& item : node) {
    std::string name = item.first.Scalar();
    at(item.second, source, "pools." + name, errors, [&]() {
      const YAML::Node& count = item.second.IsMap() ? item.second["workers"] : item.second;
      if (!count) throw std::invalid_argument("expected {workers: N} or N");
      c.pools[name] = static_cast<int>(integer(count, 0, 256));
    });
  }
}

void parseRoutes(const YAML::Node& node, const std::string& source, PoolConfig& c,
                 std::vector<std::string>& errors) {
  if (!node.IsMap()) {
    errors.push_back(where(source, node.Mark()) + ": routes: expected a mapping of service:method to a pool");
    return;
  }
  c.routes.clear();
  bool catchAll = false;
  for (const auto& item : node) {
    std::string error;
    auto key = parseRouteKey(item.first.Scalar(), error);
    if (!key) {
      errors.push_back(where(source, item.first.Mark()) + ": routes: " + error);
      continue;
    }
    if (key->service == "*" && key->method == "*") catchAll = true;  // even if its value is bad
    at(item.second, source, "routes." + key->str(), errors, [&]() {
      Route route;
      if (item.second.IsMap()) {
        for (const auto& field : item.second) {
          std::string f = field.first.Scalar();
          if (f == "pool") {
            route.pool = scalar<std::string>(field.second, "a pool name");
          } else if (f == "timeout") {
            route.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(seconds(field.second, 0.001));
          } else {
            throw std::invalid_argument("unknown field '" + f + "' (pool, timeout)");
          }
        }
        if (route.pool.empty()) throw std::invalid_argument("missing pool");
      } else {
        route.pool = scalar<std::string>(item.second, "a pool name or {pool, timeout}");
      }
      if (!c.pools.count(route.pool)) throw std::invalid_argument("no pool named '" + route.pool + "'");
      c.routes.push_back({*key, route});
    });
  }
  if (!catchAll) errors.push_back(where(source, node.Mark()) + ": routes: a '*:*' route is required");
}

void parsePriorities(const YAML::Node& node, const std::string& source, PoolConfig& c,
                     std::vector<std::string>& errors) {
  if (!node.IsMap()) {
    errors.push_back(where(source, node.Mark()) + ": priorities: expected a mapping of service:method to a priority");
    return;
  }
  for (const auto& item : node) {
    std::string error;
    auto key = parseRouteKey(item.first.Scalar(), error);
    if (!key) {
      errors.push_back(where(source, item.first.Mark()) + ": priorities: " + error);
      continue;
    }
    at(item.second, source, "priorities." + key->str(), errors, [&]() {
      auto name = scalar<std::string>(item.second, "a priority");
      auto p = parsePriority(name);
      if (!p) throw std::invalid_argument("'" + name + "' is not one of EVENTS, SINGLE_MODELING, OTHER, CONFIG, MODELING");
      c.priorities.emplace_back(*key, *p);
    });
  }
}

}  // namespace

SupervisorConfig PoolConfig::supervisor(const std::string& pool) const {
  SupervisorConfig s;
  auto it = pools.find(pool);
  s.workers = it == pools.end() ? 0 : it->second;
  s.crashWindow = crashWindow;
  s.crashLoopThreshold = crashLoopThreshold;
  s.backoffInitial = backoffInitial;
  s.backoffMax = backoffMax;
  s.stopGrace = stopGrace;
  s.callLimit = callLimit;
  s.rssLimitBytes = rssLimitBytes;
  s.pipeline = pipeline;
  s.pipelineWindow = pipelineWindow;
  return s;
}

PriorityMap PoolConfig::priorityMap() const {
  PriorityMap map;
  for (const auto& [key, p] : priorities) map.set(key, p);
  return map;
}

PoolConfig defaultPoolConfig(int defaultWorkers) {
  PoolConfig c;
  c.pools = {{"default", defaultWorkers}, {"events", 1}, {"modeling", 1}};
  defaultRoutes(c);
  return c;
}

const std::vector<std::string>& poolConfigKeys() {
  static const std::vector<std::string> keys = {
      "pools", "routes", "priorities", "call_timeout", "call_retries", "queue_limit",
      "worker_call_limit", "worker_rss_limit_mb", "worker_pipeline", "worker_pipeline_window", "crash_window", "crash_loop_threshold",
      "crash_backoff_initial", "crash_backoff_max", "worker_stop_grace", "worker_signal_min_age"};
  return keys;
}

PoolConfig parsePoolConfig(const YAML::Node& root, const std::string& source,
                           std::vector<std::string>& errors, int defaultWorkers) {
  PoolConfig c = defaultPoolConfig(defaultWorkers);
  if (!root || root.IsNull()) return c;
  if (!root.IsMap()) {
    errors.push_back(where(source, root.Mark()) + ": expected a mapping of settings");
    return c;
  }
  // Pools first: routes name them.
  if (auto pools = root["pools"]) {
    parsePools(pools, source, c, errors);
    defaultRoutes(c);
    if (!root["routes"] && !c.pools.count("default")) {
      errors.push_back(where(source, pools.Mark()) + ": pools: without a 'default' pool, 'routes' must say where '*:*' goes");
    }
  }
  if (auto routes = root["routes"]) parseRoutes(routes, source, c, errors);
  if (auto priorities = root["priorities"]) parsePriorities(priorities, source, c, errors);

  auto setting = [&](const char* key, auto&& apply) {
    if (auto node = root[key]) at(node, source, key, errors, [&]() { apply(node); });
  };
  setting("call_timeout", [&](const YAML::Node& n) {
    c.callTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(seconds(n, 0.001));
  });
  setting("call_retries", [&](const YAML::Node& n) { c.retries = static_cast<int>(integer(n, 0, 100)); });
  setting("queue_limit", [&](const YAML::Node& n) { c.queueLimit = static_cast<size_t>(integer(n, 1, 100000000)); });
  setting("worker_call_limit", [&](const YAML::Node& n) { c.callLimit = static_cast<uint64_t>(integer(n, 0, INT64_MAX)); });
  setting("worker_rss_limit_mb", [&](const YAML::Node& n) {
    c.rssLimitBytes = static_cast<uint64_t>(integer(n, 0, 1 << 24)) << 20;
  });
  setting("worker_pipeline", [&](const YAML::Node& n) { c.pipeline = static_cast<int>(integer(n, 1, 64)); });
  setting("worker_pipeline_window", [&](const YAML::Node& n) { c.pipelineWindow = seconds(n, 0); });
  setting("crash_window", [&](const YAML::Node& n) { c.crashWindow = seconds(n, 0); });
  setting("crash_loop_threshold", [&](const YAML::Node& n) { c.crashLoopThreshold = static_cast<int>(integer(n, 1, 1000)); });
  setting("crash_backoff_initial", [&](const YAML::Node& n) { c.backoffInitial = seconds(n, 0.001); });
  setting("crash_backoff_max", [&](const YAML::Node& n) { c.backoffMax = seconds(n, 0.001); });
  setting("worker_stop_grace", [&](const YAML::Node& n) { c.stopGrace = seconds(n, 0); });
  setting("worker_signal_min_age", [&](const YAML::Node& n) { c.signalMinAge = seconds(n, 0); });
  if (c.backoffMax < c.backoffInitial) {
    errors.push_back(source + ": crash_backoff_max must be at least crash_backoff_initial");
  }
  return c;
}

std::vector<std::string> validatePoolConfig(const PoolConfig& c) {
  std::vector<std::string> errors;
  if (c.pools.empty()) errors.push_back("pools: at least one pool is required");
  bool catchAll = false;
  for (const auto& r : c.routes) {
    if (r.key.service == "*" && r.key.method == "*") catchAll = true;
    if (!c.pools.count(r.route.pool)) errors.push_back("routes: " + r.key.str() + ": no pool named '" + r.route.pool + "'");
  }
  if (!catchAll) errors.push_back("routes: a '*:*' route is required");
  for (const auto& [name, n] : c.pools) {
    if (n < 0 || n > 256) errors.push_back("pools: " + name + ": workers must be between 0 and 256");
  }
  if (c.backoffMax < c.backoffInitial) errors.push_back("crash_backoff_max must be at least crash_backoff_initial");
  if (c.pipeline < 1 || c.pipeline > 64) errors.push_back("worker_pipeline must be between 1 and 64");
  return errors;
}

}  // namespace zenhub::hub::pool
