#include "hub/config.h"

#include "hub/pool/yaml_values.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace zenhub::hub {

namespace {

using pool::scalar;
using pool::where;

std::string joined(const std::vector<std::string>& errors) {
  std::string out = "invalid configuration";
  for (const auto& e : errors) out += "\n  " + e;
  return out;
}

const std::vector<std::string>& logLevels() {
  static const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  return kLevels;
}

// One setting: how to read it from a YAML node into the config. Throws std::invalid_argument
// with a message (the caller adds the position).
using Reader = std::function<void(HubConfig&, const YAML::Node&)>;

Reader text(std::string HubConfig::*field) {
  return [field](HubConfig& c, const YAML::Node& n) { c.*field = scalar<std::string>(n, "a string"); };
}
Reader endpoint(Endpoint HubConfig::*field) {
  return [field](HubConfig& c, const YAML::Node& n) { c.*field = parseEndpoint(scalar<std::string>(n, "host:port")); };
}
// An endpoint that may be turned off: "" leaves the host empty (xmlrpc_listen).
Reader optionalEndpoint(Endpoint HubConfig::*field) {
  return [field](HubConfig& c, const YAML::Node& n) {
    auto text = n.IsNull() ? std::string() : scalar<std::string>(n, "host:port or \"\"");
    c.*field = text.empty() ? Endpoint{} : parseEndpoint(text);
  };
}
Reader integer(int HubConfig::*field, int min, int max) {
  return [field, min, max](HubConfig& c, const YAML::Node& n) {
    int v = scalar<int>(n, "an integer");
    if (v < min || v > max) {
      throw std::invalid_argument("must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    c.*field = v;
  };
}
Reader bytes(uint64_t HubConfig::*field, uint64_t min) {
  return [field, min](HubConfig& c, const YAML::Node& n) {
    auto v = scalar<uint64_t>(n, "a byte count");
    if (v < min) throw std::invalid_argument("must be at least " + std::to_string(min));
    c.*field = v;
  };
}
Reader choice(std::string HubConfig::*field, std::vector<std::string> allowed) {
  return [field, allowed](HubConfig& c, const YAML::Node& n) {
    auto v = scalar<std::string>(n, "a string");
    std::string list;
    for (const auto& a : allowed) {
      if (a == v) {
        c.*field = v;
        return;
      }
      list += (list.empty() ? "" : ", ") + a;
    }
    throw std::invalid_argument("'" + v + "' is not one of " + list);
  };
}
Reader seconds(double HubConfig::*field, double min) {
  return [field, min](HubConfig& c, const YAML::Node& n) {
    double v = scalar<double>(n, "a number of seconds");
    if (!(v >= min)) throw std::invalid_argument("must be at least " + std::to_string(min));
    c.*field = v;
  };
}

const std::map<std::string, Reader>& settings() {
  static const std::map<std::string, Reader> kSettings = {
      {"monitor", text(&HubConfig::monitor)},
      {"listen", endpoint(&HubConfig::listen)},
      {"store", text(&HubConfig::store)},
      {"passwd", text(&HubConfig::passwd)},
      {"state_dir", text(&HubConfig::stateDir)},
      {"workers", integer(&HubConfig::workers, 1, 256)},
      {"plugin_dir", text(&HubConfig::pluginDir)},
      {"status_listen", endpoint(&HubConfig::statusListen)},
      {"xmlrpc_listen", optionalEndpoint(&HubConfig::xmlrpcListen)},
      {"log_level", choice(&HubConfig::logLevel, logLevels())},
      {"tls_cert", text(&HubConfig::tlsCert)},
      {"tls_key", text(&HubConfig::tlsKey)},
      {"tls_client_ca", text(&HubConfig::tlsClientCa)},
      {"max_connections", integer(&HubConfig::maxConnections, 1, 1000000)},
      {"max_message_bytes", bytes(&HubConfig::maxMessageBytes, 4096)},
      {"flow_limit_bytes", bytes(&HubConfig::flowLimitBytes, 4096)},
      {"max_outbound_bytes", bytes(&HubConfig::maxOutboundBytes, 4096)},
      {"login_deadline", seconds(&HubConfig::loginDeadlineSeconds, 0.01)},
      {"login_failure_delay", seconds(&HubConfig::loginFailureDelaySeconds, 0)},
      {"login_max_failures", integer(&HubConfig::loginMaxFailures, 1, 1000)},
      {"drain_timeout", seconds(&HubConfig::drainTimeoutSeconds, 0)},
      {"heartbeat_interval", seconds(&HubConfig::heartbeatIntervalSeconds, 0)},
      {"heartbeat_timeout", seconds(&HubConfig::heartbeatTimeoutSeconds, 1)},
      {"stats_interval", seconds(&HubConfig::statsIntervalSeconds, 0)},
      {"loop_lag_interval", seconds(&HubConfig::loopLagIntervalSeconds, 0.001)},
  };
  return kSettings;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> errors)
    : std::runtime_error(joined(errors)), errors_(std::move(errors)) {}

Endpoint parseEndpoint(const std::string& value) {
  Endpoint ep;
  std::string portText;
  if (!value.empty() && value[0] == '[') {
    auto close = value.find(']');
    if (close == std::string::npos || close + 1 >= value.size() || value[close + 1] != ':') {
      throw std::invalid_argument("expected [ipv6]:port, got '" + value + "'");
    }
    ep.host = value.substr(1, close - 1);
    portText = value.substr(close + 2);
  } else {
    auto colon = value.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("expected host:port, got '" + value + "'");
    ep.host = value.substr(0, colon);
    portText = value.substr(colon + 1);
  }
  if (ep.host.empty()) throw std::invalid_argument("missing host in '" + value + "'");
  if (portText.empty() || portText.find_first_not_of("0123456789") != std::string::npos ||
      portText.size() > 5 || std::stoul(portText) > 65535) {
    throw std::invalid_argument("bad port in '" + value + "'");
  }
  ep.port = static_cast<uint16_t>(std::stoul(portText));
  return ep;
}

void applyYaml(HubConfig& config, const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError({where(source, e.mark) + ": " + e.msg});
  }
  if (root.IsNull()) return;  // an empty file: all defaults
  if (!root.IsMap()) throw ConfigError({where(source, root.Mark()) + ": expected a mapping of settings"});
  std::vector<std::string> errors;
  config.poolYaml = root;  // the pool's keys are read by pool::parsePoolConfig
  config.poolSource = source;
  const auto& poolKeys = pool::poolConfigKeys();
  for (const auto& item : root) {
    std::string key = item.first.Scalar();
    if (std::find(poolKeys.begin(), poolKeys.end(), key) != poolKeys.end()) continue;
    if (key == "invalidations") {
      invalidation::parseInvalidationConfig(item.second, source, config.invalidations, errors);
      continue;
    }
    auto it = settings().find(key);
    if (it == settings().end()) {
      errors.push_back(where(source, item.first.Mark()) + ": unknown setting '" + key + "'");
      continue;
    }
    try {
      it->second(config, item.second);
    } catch (const std::invalid_argument& e) {
      errors.push_back(where(source, item.second.Mark()) + ": " + key + ": " + e.what());
    }
  }
  if (!errors.empty()) throw ConfigError(std::move(errors));
}

void applyYamlFile(HubConfig& config, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError({path + ": cannot read the configuration file"});
  std::stringstream text;
  text << in.rdbuf();
  applyYaml(config, text.str(), path);
  config.configPath = path;
}

std::vector<std::string> validate(const HubConfig& config) {
  std::vector<std::string> errors;
  bool known = false;
  for (const auto& l : logLevels()) known = known || config.logLevel == l;
  if (!known) errors.push_back("log_level: '" + config.logLevel + "' is not one of trace, debug, info, warn, error, critical, off");
  if (config.monitor.empty()) errors.push_back("monitor: must not be empty");
  if (config.store.rfind("sqlite://", 0) != 0 && config.store.rfind("postgresql://", 0) != 0 &&
      config.store.rfind("postgres://", 0) != 0) {
    errors.push_back("store: '" + config.store + "' is not a sqlite:// or postgresql:// URI");
  }
  if (config.passwd.empty()) errors.push_back("passwd: must name the password file");
  if (config.stateDir.empty()) errors.push_back("state_dir: must name a directory");
  if (config.tlsCert.empty() != config.tlsKey.empty()) {
    errors.push_back("tls_cert and tls_key: give both (TLS on) or neither (TLS off)");
  }
  if (!config.tlsClientCa.empty() && config.tlsCert.empty()) {
    errors.push_back("tls_client_ca: needs tls_cert and tls_key");
  }
  return errors;
}

}  // namespace zenhub::hub
