#include "hub/options.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <type_traits>

namespace zenhub::hub {

namespace {

// Flags are parsed into optionals first so that only the flags given override the file.
struct Flags {
  std::string config;
  std::optional<std::string> monitor, listen, store, passwd, statusListen, xmlrpcListen, logLevel,
      readyFile, tlsCert, tlsKey, tlsClientCa, pluginDir, stateDir;
  std::optional<int> workers, maxConnections, loginMaxFailures;
  std::optional<uint64_t> maxMessageBytes, flowLimitBytes, maxOutboundBytes;
  std::optional<double> loginDeadline, loginFailureDelay, drainTimeout, statsInterval, loopLagInterval,
      invalidationPollInterval, heartbeatInterval;
};

void defineFlags(CLI::App& app, Flags& f) {
  app.add_option("-c,--config", f.config, "Configuration file (YAML); flags override it")->check(CLI::ExistingFile);
  app.add_option("--monitor", f.monitor, "This hub's monitor name, reported as its instance id (default localhost)");
  app.add_option("--listen", f.listen, "Collector RPC address host:port; port 0 picks a free port (default 127.0.0.1:8789)");
  app.add_option("--store", f.store, "Object store URI: sqlite:///path/model.db or postgresql://user@host:port/db");
  app.add_option("--passwd", f.passwd, "Password file of user:crypt-hash lines (default /etc/zenhub/hubpasswd)");
  app.add_option("--state-dir", f.stateDir, "Directory for what the hub keeps across restarts (default /var/lib/zenhub)");
  app.add_option("--invalidation-poll-interval", f.invalidationPollInterval,
                 "Seconds between reads of the model's change feed (default 1)");
  app.add_option("--heartbeat-interval", f.heartbeatInterval, "Seconds between heartbeat events; 0 = none (default 30)");
  app.add_option("--workers", f.workers, "Worker processes of the default pool (default 2)");
  app.add_option("--plugin-dir", f.pluginDir, "Directory of service plugins the workers load (default: none)");
  app.add_option("--status-listen", f.statusListen, "HTTP status address host:port (default 127.0.0.1:8090)");
  app.add_option("--xmlrpc-listen", f.xmlrpcListen, "XML-RPC address host:port; \"\" turns XML-RPC off (default 127.0.0.1:8081)");
  app.add_option("--log-level", f.logLevel, "trace, debug, info, warn, error, critical or off (default info)");
  app.add_option("--ready-file", f.readyFile, "Write JSON lines here once listening: one per listener, then {\"event\":\"ready\"}");
  app.add_option("--tls-cert", f.tlsCert, "PEM certificate for collector TLS (with --tls-key turns TLS on)");
  app.add_option("--tls-key", f.tlsKey, "PEM private key of --tls-cert");
  app.add_option("--tls-client-ca", f.tlsClientCa, "PEM CA: require and verify collector client certificates");
  app.add_option("--max-connections", f.maxConnections, "Most collector connections at once (default 4096)");
  app.add_option("--max-message-bytes", f.maxMessageBytes, "Largest inbound RPC message (default 64 MiB)");
  app.add_option("--flow-limit-bytes", f.flowLimitBytes, "Inbound call bytes in flight per connection (default 8 MiB)");
  app.add_option("--max-outbound-bytes", f.maxOutboundBytes, "Queued outbound bytes before a non-reading peer is dropped (default 64 MiB)");
  app.add_option("--login-deadline", f.loginDeadline, "Seconds a connection may stay without logging in (default 30)");
  app.add_option("--login-failure-delay", f.loginFailureDelay, "Seconds before a failed login is answered (default 1)");
  app.add_option("--login-max-failures", f.loginMaxFailures, "Failed logins before the connection is closed (default 5)");
  app.add_option("--drain-timeout", f.drainTimeout, "Seconds in-flight work may take on SIGTERM (default 10)");
  app.add_option("--stats-interval", f.statsInterval, "Seconds between stats reports in the log; 0 = only on SIGUSR2 (default 0)");
  app.add_option("--loop-lag-interval", f.loopLagInterval, "Seconds between event-loop lag samples (default 0.1)");
}

template <typename T>
void override(std::vector<std::string>& errors, const char* flag, const std::optional<T>& value,
              const std::type_identity_t<std::function<void(const T&)>>& apply) {
  if (!value) return;
  try {
    apply(*value);
  } catch (const std::invalid_argument& e) {
    errors.push_back(std::string(flag) + ": " + e.what());
  }
}

}  // namespace

CommandLine parseCommandLine(int argc, const char* const* argv) {
  CommandLine result;
  CLI::App app{"zenhub: the hub of the monitoring system. Collectors connect over Cap'n Proto RPC, "
               "get their configuration from services run by worker processes, and receive "
               "changes as the model changes.",
               "zenhub"};
  app.set_version_flag("--version", "zenhub 0.1.0");
  Flags f;
  defineFlags(app, f);
  app.add_flag("--check-config", result.checkOnly,
               "Check the configuration and the password file, print the outcome and exit (0 good, 2 bad)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success&) {
    result.output = app.help();
    result.exitCode = 0;
    if (argc > 1 && std::string(argv[1]) == "--version") result.output = "zenhub 0.1.0\n";
    return result;
  } catch (const CLI::ParseError& e) {
    result.output = std::string("zenhub: ") + e.what() + "\nRun with --help for every option.\n";
    result.exitCode = 2;
    return result;
  }

  std::vector<std::string> errors;
  HubConfig& c = result.config;
  if (!f.config.empty()) {
    try {
      applyYamlFile(c, f.config);
    } catch (const ConfigError& e) {
      errors.insert(errors.end(), e.errors().begin(), e.errors().end());
    }
  }
  auto setText = [](std::string& field) { return [&field](const std::string& v) { field = v; }; };
  auto setEndpoint = [](Endpoint& field) { return [&field](const std::string& v) { field = parseEndpoint(v); }; };
  override(errors, "--monitor", f.monitor, setText(c.monitor));
  override(errors, "--listen", f.listen, setEndpoint(c.listen));
  override(errors, "--store", f.store, setText(c.store));
  override(errors, "--passwd", f.passwd, setText(c.passwd));
  override(errors, "--status-listen", f.statusListen, setEndpoint(c.statusListen));
  override(errors, "--xmlrpc-listen", f.xmlrpcListen,
           [&c](const std::string& v) { c.xmlrpcListen = v.empty() ? Endpoint{} : parseEndpoint(v); });
  override(errors, "--log-level", f.logLevel, setText(c.logLevel));
  override(errors, "--ready-file", f.readyFile, setText(c.readyFile));
  override(errors, "--plugin-dir", f.pluginDir, setText(c.pluginDir));
  override(errors, "--state-dir", f.stateDir, setText(c.stateDir));
  override(errors, "--heartbeat-interval", f.heartbeatInterval, [&c](const double& v) {
    if (!(v >= 0)) throw std::invalid_argument("must be at least 0");
    c.heartbeatIntervalSeconds = v;
  });
  override(errors, "--invalidation-poll-interval", f.invalidationPollInterval, [&c](const double& v) {
    if (!(v >= 0.01 && v <= 3600)) throw std::invalid_argument("must be between 0.01 and 3600 seconds");
    c.invalidations.pollInterval = v;
  });
  override(errors, "--tls-cert", f.tlsCert, setText(c.tlsCert));
  override(errors, "--tls-key", f.tlsKey, setText(c.tlsKey));
  override(errors, "--tls-client-ca", f.tlsClientCa, setText(c.tlsClientCa));
  auto positive = [](int& field, const char* what) {
    return [&field, what](const int& v) {
      if (v < 1) throw std::invalid_argument(std::string(what) + " must be at least 1");
      field = v;
    };
  };
  override(errors, "--workers", f.workers, positive(c.workers, "workers"));
  override(errors, "--max-connections", f.maxConnections, positive(c.maxConnections, "max connections"));
  override(errors, "--login-max-failures", f.loginMaxFailures, positive(c.loginMaxFailures, "max failures"));
  auto byteCount = [](uint64_t& field) {
    return [&field](const uint64_t& v) {
      if (v < 4096) throw std::invalid_argument("must be at least 4096");
      field = v;
    };
  };
  override(errors, "--max-message-bytes", f.maxMessageBytes, byteCount(c.maxMessageBytes));
  override(errors, "--flow-limit-bytes", f.flowLimitBytes, byteCount(c.flowLimitBytes));
  override(errors, "--max-outbound-bytes", f.maxOutboundBytes, byteCount(c.maxOutboundBytes));
  auto secs = [](double& field, double min) {
    return [&field, min](const double& v) {
      if (!(v >= min)) throw std::invalid_argument("must be at least " + std::to_string(min));
      field = v;
    };
  };
  override(errors, "--login-deadline", f.loginDeadline, secs(c.loginDeadlineSeconds, 0.01));
  override(errors, "--login-failure-delay", f.loginFailureDelay, secs(c.loginFailureDelaySeconds, 0));
  override(errors, "--drain-timeout", f.drainTimeout, secs(c.drainTimeoutSeconds, 0));
  override(errors, "--stats-interval", f.statsInterval, secs(c.statsIntervalSeconds, 0));
  override(errors, "--loop-lag-interval", f.loopLagInterval, secs(c.loopLagIntervalSeconds, 0.001));

  c.pool = pool::parsePoolConfig(c.poolYaml, c.poolSource, errors, c.workers);
  auto poolErrors = pool::validatePoolConfig(c.pool);
  errors.insert(errors.end(), poolErrors.begin(), poolErrors.end());
  auto more = validate(c);
  errors.insert(errors.end(), more.begin(), more.end());
  if (!errors.empty()) {
    result.output = "zenhub: refusing to start:\n";
    for (const auto& e : errors) result.output += "  " + e + "\n";
    result.exitCode = 2;
  }
  return result;
}

}  // namespace zenhub::hub
