// The hub's settings: config/zenhub.yaml documents each; CLI flags override the file. Loading
// validates everything and reports every problem at once, each with its line and column, so an
// operator fixes a bad file in one pass (the hub then exits 2).
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hub/invalidation/invalidation_config.h"
#include "hub/pool/pool_config.h"

namespace zenhub::hub {

// host:port; port 0 means any free port.
struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

struct HubConfig {
  std::string configPath;                        // where it was loaded from ("" = defaults)
  std::string monitor = "localhost";             // this hub's monitor name (instance id)
  Endpoint listen{"127.0.0.1", 8789};            // collector RPC
  std::string store = "sqlite:///var/lib/zenhub/model.db";
  std::string passwd = "/etc/zenhub/hubpasswd";
  std::string stateDir = "/var/lib/zenhub";      // what the hub keeps across restarts
  int workers = 2;                               // workers of the default pool
  std::string pluginDir;                         // service plugins for the workers ("" = none)
  // The worker pools, routes and priorities (pool_config.h documents the keys). Built from
  // `poolYaml` once the flags are known (--workers sizes the default pool).
  pool::PoolConfig pool;
  YAML::Node poolYaml;
  std::string poolSource;
  Endpoint statusListen{"127.0.0.1", 8090};      // HTTP status
  Endpoint xmlrpcListen{"127.0.0.1", 8081};      // XML-RPC; an empty host: disabled
  std::string logLevel = "info";
  std::string readyFile;                         // CLI only: JSON lines for scripts and tests
  // TLS for collector connections (kj-tls). Certificate and key together turn it on; a client
  // CA makes client certificates required and verified (a certificate then stands for a login).
  std::string tlsCert;
  std::string tlsKey;
  std::string tlsClientCa;
  // Connection limits (collector-facing RPC).
  int maxConnections = 4096;
  uint64_t maxMessageBytes = 64ull << 20;
  uint64_t flowLimitBytes = 8ull << 20;
  uint64_t maxOutboundBytes = 64ull << 20;
  double loginDeadlineSeconds = 30;
  double loginFailureDelaySeconds = 1;
  int loginMaxFailures = 5;
  // Model changes to collectors (the `invalidations:` mapping).
  invalidation::InvalidationConfig invalidations;
  // Heartbeats: an event every interval (0 = none) telling a monitoring system the hub lives; it
  // carries the timeout after which a missing heartbeat is an alarm.
  double heartbeatIntervalSeconds = 30;
  double heartbeatTimeoutSeconds = 900;
  // Lifecycle.
  double drainTimeoutSeconds = 10;
  double statsIntervalSeconds = 0;               // 0 = the report only on SIGUSR2
  double loopLagIntervalSeconds = 0.1;           // how often the event-loop lag is sampled
};

// Every problem found while loading, one line each ("file:line:col: message").
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

// Parses YAML text into `config` (which holds defaults or earlier values). Throws ConfigError.
void applyYaml(HubConfig& config, const std::string& text, const std::string& source);
// Reads a file and applies it. Throws ConfigError (also when it cannot be read).
void applyYamlFile(HubConfig& config, const std::string& path);

// "host:port" (IPv6 as "[::1]:port"). Throws std::invalid_argument with a message.
Endpoint parseEndpoint(const std::string& text);
// Checks values that depend on each other; returns every problem (empty = fine).
std::vector<std::string> validate(const HubConfig& config);

}  // namespace zenhub::hub
