// The zenhub daemon's core: owns the collector listener, the login machinery, the stats and the
// lifecycle (start, reload, drain). Built by main with the real io_context and event port;
// tests construct it the same way. Shutdown is an input: drain(), never a side effect.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hub/call_executor.h"
#include "hub/call_metrics.h"
#include "hub/call_stats.h"
#include "hub/config.h"
#include "hub/http/http_server.h"
#include "hub/hub_events.h"
#include "hub/invalidation/invalidation_manager.h"
#include "hub/loop_lag.h"
#include "hub/monitor_directory.h"
#include "hub/pool/clock.h"
#include "hub/pool/process_launcher.h"
#include "hub/pool/worker_pool.h"
#include "hub/options.h"
#include "hub/ready_file.h"
#include "hub/saved_counters.h"
#include "hub/service_manager.h"
#include "hub/stats_report.h"
#include "hub/systemd_notifier.h"
#include "hub/xmlrpc/endpoint.h"
#include "hub/xmlrpc/methods.h"
#include "rpc/authenticator.h"
#include "rpc/event_port.h"
#include "rpc/login.h"
#include "rpc/passwd_file.h"
#include "rpc/rpc_listener.h"
#include "rpc/tls_server.h"

namespace zenhub::hub {

class Hub {
 public:
  // Re-reads the configuration (file + the original flags) for SIGHUP.
  using Reparse = std::function<CommandLine()>;

  // `io` and `port` must outlive the hub. `workerExe` is the zenhubworker binary the pool
  // starts. `onStopped` runs once drain() has finished (main stops the loop there).
  Hub(boost::asio::io_context& io, rpc::AsioEventPort& port, HubConfig config, rpc::PasswdFile passwd,
      std::string workerExe, Reparse reparse, std::function<void()> onStopped);
  ~Hub();

  // Starts the workers and binds the listeners; once every pool has a ready worker, writes the
  // ready file and tells systemd. Throws on a bind failure.
  void start();
  // SIGTERM/SIGINT: stop accepting, let in-flight calls finish (until drain_timeout), answer
  // queued ones with zenhub.shutdown, stop the workers, close connections, then onStopped.
  // Idempotent; nothing is respawned once it has begun.
  void drain();
  // SIGHUP: re-read the configuration and the password file; a broken one is logged and the old
  // one kept. Connections stay.
  void reload();
  // SIGUSR1.
  void toggleDebug();
  // SIGUSR2: the report, logged line by line, and SIGUSR2 forwarded to workers ready for a while.
  void logReport();

  HubSnapshot snapshot() const;
  // The SIGUSR2 report (hub, invalidations, calls, then the pool's sections) as text.
  std::string reportText() const;
  const HubConfig& config() const { return config_; }
  bool draining() const { return draining_; }
  uint16_t rpcPort() const;
  uint16_t statusPort() const;
  // 0 when XML-RPC is disabled (xmlrpc_listen "").
  uint16_t xmlrpcPort() const { return xmlrpcPort_; }
  const ServiceManager& services() const { return services_; }
  const pool::WorkerPool& workers() const { return *pool_; }
  invalidation::InvalidationManager& invalidations() { return *invalidations_; }

 private:
  capnp::Capability::Client makeBootstrap(rpc::ConnectionContext& connection);
  void finishDrain();
  void declareReady();
  pool::WorkerCommand workerCommand(const std::string& exe) const;
  void armStatsTimer();
  void startStatusEndpoint();
  void startXmlRpcEndpoint();
  void armHeartbeat();
  rpc::ConnectionLimits connectionLimits() const;
  rpc::LoginPolicy loginPolicy() const;
  void loadCounters();
  // The saved counters plus what this run counted.
  LifetimeCounters lifetime() const;

  boost::asio::io_context& io_;
  rpc::AsioEventPort& port_;
  HubConfig config_;
  Reparse reparse_;
  std::function<void()> onStopped_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool draining_ = false;
  bool stopped_ = false;

  CallStats callStats_;
  CallMetrics callMetrics_;
  HubEvents events_;
  MonitorDirectory monitors_;
  pool::SteadyClock clock_;
  pool::BoostProcessLauncher launcher_;
  std::unique_ptr<pool::WorkerPool> pool_;
  bool ready_ = false;
  ServiceManager services_;
  std::unique_ptr<invalidation::InvalidationManager> invalidations_;
  rpc::LoginFailures loginFailures_;
  rpc::PasswordAuthenticator authenticator_;
  SystemdNotifier systemd_;
  LoopLagMonitor loopLag_;
  ReadyFile readyFile_;
  boost::asio::steady_timer statsTimer_;
  boost::asio::steady_timer drainTimer_;
  boost::asio::steady_timer heartbeatTimer_;
  std::unique_ptr<rpc::TlsServer> tls_;
  std::unique_ptr<http::HttpServer> status_;
  // XML-RPC: the methods, the endpoint using them, then the server routing to the endpoint (so
  // the server goes first).
  std::unique_ptr<xmlrpc::XmlRpcMethods> xmlrpcMethods_;
  std::unique_ptr<xmlrpc::XmlRpcEndpoint> xmlrpcEndpoint_;
  std::unique_ptr<http::HttpServer> xmlrpc_;
  uint16_t xmlrpcPort_ = 0;
  LifetimeCounters savedCounters_;  // loaded at start (zero when there was no file)
  std::unique_ptr<CounterSaver> counterSaver_;
  uint16_t statusPort_ = 0;
  std::unique_ptr<rpc::RpcListener> listener_;  // last: connections go first
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub
