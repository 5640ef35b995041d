#include "hub/hub.h"
#include "hub/status_endpoint.h"

#include <fmt/format.h>

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "hub/hub_service.h"
#include "hub/logging.h"

namespace zenhub::hub {

namespace asio = boost::asio;

namespace {
std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}
}  // namespace

Hub::Hub(asio::io_context& io, rpc::AsioEventPort& port, HubConfig config, rpc::PasswdFile passwd,
         std::string workerExe, Reparse reparse, std::function<void()> onStopped)
    : io_(io),
      port_(port),
      config_(std::move(config)),
      reparse_(std::move(reparse)),
      onStopped_(std::move(onStopped)),
      events_(io, config_.store, config_.monitor),
      monitors_(io, config_.store),
      launcher_(io),
      pool_(std::make_unique<pool::WorkerPool>(
          io, port, config_.pool, workerCommand(workerExe), launcher_, clock_,
          pool::PoolEvents{
              // The pool logs each of these itself; the hub raises the crash-loop event and acts
              // on readiness.
              [this](const std::string& pool, int crashes, pool::Duration backoff) {
                events_.raise("/App/Zenhub/Workers", "crash_loop_" + pool, 4,
                              "Workers of pool " + pool + " keep dying at start (" + std::to_string(crashes) +
                                  " in a row); next start in " +
                                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count()) +
                                  " ms");
              },
              nullptr,
              [this](const std::string&, const std::string&, int) { declareReady(); }, nullptr})),
      services_(*pool_, monitors_, callStats_, &callMetrics_),
      invalidations_(std::make_unique<invalidation::InvalidationManager>(
          io, port, config_.invalidations, config_.store,
          config_.invalidations.keepPause ? config_.stateDir + "/invalidations-paused" : std::string(), services_,
          *pool_, events_)),
      authenticator_(io, std::move(passwd)),
      systemd_(io),
      loopLag_(io, millis(config_.loopLagIntervalSeconds)),
      readyFile_(config_.readyFile),
      statsTimer_(io),
      drainTimer_(io),
      heartbeatTimer_(io) {}

Hub::~Hub() {
  *alive_ = false;
  statsTimer_.cancel();
  drainTimer_.cancel();
  // Connections (which may still call into the pool) go before the pool.
  if (listener_) port_.fromAsio([&]() { listener_.reset(); });
}

pool::WorkerCommand Hub::workerCommand(const std::string& exe) const {
  pool::WorkerCommand command{exe, {"--store", config_.store, "--log-level", config_.logLevel, "--hub-pid",
                                    std::to_string(::getpid())}};
  if (!config_.pluginDir.empty()) {
    command.args.push_back("--plugin-dir");
    command.args.push_back(config_.pluginDir);
  }
  return command;
}

rpc::ConnectionLimits Hub::connectionLimits() const {
  rpc::ConnectionLimits limits;
  limits.maxConnections = static_cast<size_t>(config_.maxConnections);
  limits.maxMessageWords = config_.maxMessageBytes / 8;
  limits.flowLimitWords = static_cast<size_t>(config_.flowLimitBytes / 8);
  limits.maxOutboundBytes = static_cast<size_t>(config_.maxOutboundBytes);
  limits.loginDeadline = millis(config_.loginDeadlineSeconds);
  return limits;
}

rpc::LoginPolicy Hub::loginPolicy() const {
  rpc::LoginPolicy policy;
  policy.failureDelay = static_cast<int64_t>(config_.loginFailureDelaySeconds * 1000) * kj::MILLISECONDS;
  policy.maxFailures = static_cast<unsigned>(config_.loginMaxFailures);
  return policy;
}

capnp::Capability::Client Hub::makeBootstrap(rpc::ConnectionContext& connection) {
  auto makeHub = [this](const rpc::LoginIdentity& who, rpc::ConnectionContext& c) -> schema::Hub::Client {
    return kj::heap<HubService>(config_.monitor, callStats_, services_, *invalidations_, who.user, c);
  };
  auto log = [](const std::string& line) { spdlog::info("{}", line); };
  return kj::heap<rpc::LoginServer>(connection, authenticator_, loginFailures_, port_.timer(),
                                    loginPolicy(), makeHub, log);
}

void Hub::start() {
  if (!config_.tlsCert.empty()) {
    rpc::TlsFiles files{config_.tlsCert, config_.tlsKey, config_.tlsClientCa};
    auto deadline = static_cast<int64_t>(config_.loginDeadlineSeconds * 1000) * kj::MILLISECONDS;
    tls_ = std::make_unique<rpc::TlsServer>(files, port_.timer(), deadline);
    spdlog::info("event=tls_enabled certificate={} client_certificates={}", config_.tlsCert,
                 tls_->verifiesClients() ? "required" : "not asked");
  }
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config_.listen.host), config_.listen.port);
  listener_ = std::make_unique<rpc::RpcListener>(
      io_, endpoint, connectionLimits(),
      [this](rpc::ConnectionContext& c) { return makeBootstrap(c); },
      [](const std::string& line) { spdlog::info("{}", line); }, tls_ ? &tls_->context() : nullptr);
  auto bound = listener_->localEndpoint();
  spdlog::info("event=listening name=rpc address={} port={}", bound.address().to_string(), bound.port());
  readyFile_.listening("rpc", bound.address().to_string(), bound.port());
  for (const auto& user : authenticator_.file().plaintextUsers()) {
    spdlog::warn("event=plaintext_password user={} file={} hint=\"zenhubctl passwd add {} to hash it\"",
                 user, config_.passwd, user);
  }
  loadCounters();
  startStatusEndpoint();
  startXmlRpcEndpoint();
  armStatsTimer();
  pool_->start();
  invalidations_->start();
  events_.raise("/App/Start", "zenhub_started", 2, "zenhub started");
  armHeartbeat();
  declareReady();
}

void Hub::declareReady() {
  // Ready once listening and every pool has a ready worker (calls would only queue before).
  if (ready_ || !listener_ || draining_ || !pool_->ready()) return;
  ready_ = true;
  readyFile_.ready(::getpid());
  spdlog::info("event=ready monitor={} pid={} workers={}", config_.monitor, ::getpid(), pool_->liveWorkers());
  systemd_.ready("serving collectors on " + config_.listen.host + ":" + std::to_string(rpcPort()));
}

void Hub::startStatusEndpoint() {
  status_ = std::make_unique<http::HttpServer>(io_, http::HttpLimits{},
                                               [](const std::string& line) { spdlog::info("{}", line); });
  addStatusRoutes(*status_, StatusSources{[this]() { return snapshot(); }, [this]() { return pool_->stats(); },
                                          [this]() { return listener_ != nullptr && !draining_; },
                                          [this]() { return pool_->ready(); },
                                          [this]() { return services_.listenerCount(); },
                                          [this]() { return reportText(); }, &callMetrics_});
  auto bound = status_->listen(config_.statusListen.host, config_.statusListen.port);
  spdlog::info("event=listening name=status address={} port={}", bound.address().to_string(), bound.port());
  readyFile_.listening("status", bound.address().to_string(), bound.port());
  statusPort_ = bound.port();
}

void Hub::startXmlRpcEndpoint() {
  if (config_.xmlrpcListen.host.empty()) {
    spdlog::info("event=xmlrpc_disabled reason=\"xmlrpc_listen is empty\"");
    return;
  }
  auto log = [](const std::string& line) { spdlog::info("{}", line); };
  xmlrpcMethods_ = std::make_unique<xmlrpc::XmlRpcMethods>(services_, config_.monitor);
  xmlrpc::XmlRpcAuth auth{authenticator_, loginFailures_, [this]() {
                            return static_cast<int64_t>(config_.loginFailureDelaySeconds * 1000) * kj::MILLISECONDS;
                          }};
  xmlrpc::DecodeLimits decodeLimits;
  xmlrpcEndpoint_ = std::make_unique<xmlrpc::XmlRpcEndpoint>(io_, port_, *xmlrpcMethods_, std::move(auth),
                                                             decodeLimits, log);
  http::HttpLimits limits;
  limits.maxBodyBytes = decodeLimits.maxBodyBytes;  // sendEvents batches
  xmlrpc_ = std::make_unique<http::HttpServer>(io_, limits, log);
  xmlrpcEndpoint_->addRoutes(*xmlrpc_);
  auto bound = xmlrpc_->listen(config_.xmlrpcListen.host, config_.xmlrpcListen.port);
  spdlog::info("event=listening name=xmlrpc address={} port={}", bound.address().to_string(), bound.port());
  readyFile_.listening("xmlrpc", bound.address().to_string(), bound.port());
  xmlrpcPort_ = bound.port();
}

uint16_t Hub::statusPort() const { return statusPort_; }

uint16_t Hub::rpcPort() const { return listener_ ? listener_->localEndpoint().port() : 0; }

void Hub::drain() {
  if (draining_) return;
  draining_ = true;  // set before anything is stopped
  spdlog::info("event=draining connections={} timeout_s={}", listener_ ? listener_->connectionCount() : 0,
               config_.drainTimeoutSeconds);
  systemd_.stopping("draining");
  readyFile_.stopping();
  statsTimer_.cancel();
  heartbeatTimer_.cancel();
  invalidations_->stop();
  events_.raise("/App/Stop", "zenhub_stopped", 3, "zenhub stopping (drain)");
  if (listener_) listener_->stopAccepting();
  // In-flight calls may finish until the deadline; queued ones are answered zenhub.shutdown; the
  // workers are then stopped. Connections stay open until then so the answers reach them.
  auto deadline = std::chrono::milliseconds(static_cast<int64_t>(config_.drainTimeoutSeconds * 1000));
  pool_->drain(deadline, [this, alive = alive_]() {
    if (!*alive) return;
    spdlog::info("event=workers_stopped");
    if (!listener_) {
      finishDrain();
      return;
    }
    listener_->closeAll("hub shutting down");
    // Closing is posted; finish once the connections are gone (or after a short grace).
    drainTimer_.expires_after(std::chrono::seconds(2));
    drainTimer_.async_wait([this, alive](const boost::system::error_code& ec) {
      if (!ec && *alive) finishDrain();
    });
    asio::post(io_, [this, alive]() {
      if (*alive && listener_->connectionCount() == 0) finishDrain();
    });
  });
}

void Hub::finishDrain() {
  if (stopped_) return;
  stopped_ = true;
  drainTimer_.cancel();
  loopLag_.stop();
  if (status_) status_->close();
  if (xmlrpc_) xmlrpc_->close();
  if (counterSaver_) counterSaver_->saveNow(lifetime());
  if (listener_) {
    port_.fromAsio([&]() { listener_.reset(); });
  }
  spdlog::info("event=stopped uptime_s={}",
               std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
  if (onStopped_) onStopped_();
}

void Hub::reload() {
  spdlog::info("event=reload_requested");
  systemd_.reloading();
  CommandLine fresh = reparse_();
  if (fresh.exitCode > 0) {
    std::istringstream lines(fresh.output);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) spdlog::error("event=reload_config_error detail=\"{}\"", line);
    }
    spdlog::error("event=reload_failed reason=\"configuration invalid; keeping the running one\"");
  } else {
    HubConfig& next = fresh.config;
    if (next.listen.str() != config_.listen.str()) {
      spdlog::warn("event=reload_needs_restart setting=listen running={} configured={}",
                   config_.listen.str(), next.listen.str());
      next.listen = config_.listen;
    }
    next.readyFile = config_.readyFile;
    config_ = next;
    setLogLevel(config_.logLevel);
    try {
      authenticator_.replace(rpc::PasswdFile::load(config_.passwd));
      spdlog::info("event=passwd_reloaded file={} users={}", config_.passwd, authenticator_.file().users().size());
    } catch (const rpc::PasswdError& e) {
      spdlog::error("event=passwd_reload_failed file={} keeping=old error=\"{}\"", config_.passwd, e.what());
    }
    pool_->reload(config_.pool);
    invalidations_->reconfigure(config_.invalidations);
    armStatsTimer();
    armHeartbeat();
    spdlog::info("event=reloaded log_level={}", config_.logLevel);
  }
  systemd_.status("serving collectors");
}

void Hub::toggleDebug() {
  auto level = hub::toggleDebug(config_.logLevel);
  spdlog::warn("event=log_level level={}", level);
}

HubSnapshot Hub::snapshot() const {
  HubSnapshot s;
  s.instanceId = config_.monitor;
  s.uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  if (listener_) {
    s.connections = listener_->connectionCount();
    s.acceptedTotal = listener_->acceptedTotal();
    s.droppedTotal = listener_->droppedTotal();
  }
  s.loginFailures = loginFailures_.total();
  s.lagLast = loopLag_.last();
  s.lagMean = loopLag_.mean();
  s.lagMax = loopLag_.maxEver();
  s.lagMaxSinceReport = loopLag_.max();
  s.invalidations = invalidations_->stats();
  s.methods = callStats_.byTotal();
  s.lifetime = lifetime();
  for (const auto& [key, inst] : services_.instances()) {
    s.services.push_back({inst->name(), inst->monitor(), inst->listeners().size(), inst->calls});
  }
  return s;
}

std::string Hub::reportText() const {
  std::string text = formatReport(snapshot());
  for (const auto& line : pool_->formatReport()) text += line + "\n";
  return text;
}

void Hub::logReport() {
  std::istringstream lines(reportText());
  loopLag_.resetMax();
  spdlog::info("event=stats_report");
  for (std::string line; std::getline(lines, line);) spdlog::info("{}", line);
  int signalled = pool_->forwardSigusr2();
  spdlog::info("event=stats_report_forwarded workers={}", signalled);
}

void Hub::armHeartbeat() {
  heartbeatTimer_.cancel();
  if (config_.heartbeatIntervalSeconds <= 0 || draining_) return;
  // The first one at once, then every interval.
  store::EventRecord beat;
  beat.device = config_.monitor;
  beat.component = "zenhub";
  beat.eventClass = "/Heartbeat";
  beat.eventKey = "heartbeat";
  beat.severity = 2;
  beat.summary = "zenhub heartbeat";
  beat.details = {{"timeout", fmt::format("{:g}", config_.heartbeatTimeoutSeconds)}};
  events_.raise(std::move(beat));
  if (counterSaver_) counterSaver_->save(lifetime());
  heartbeatTimer_.expires_after(millis(config_.heartbeatIntervalSeconds));
  heartbeatTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) armHeartbeat();
  });
}

void Hub::loadCounters() {
  // The state directory may not exist yet outside systemd (which creates it): make it, as the
  // hub's own.
  if (::mkdir(config_.stateDir.c_str(), 0750) != 0 && errno != EEXIST) {
    spdlog::warn("event=state_dir_unusable dir={} error=\"{}\"", config_.stateDir, std::strerror(errno));
  }
  std::string path = config_.stateDir + "/counters";
  try {
    if (auto saved = readCountersFile(path)) {
      savedCounters_ = *saved;
      spdlog::info("event=counters_loaded file={} starts={} calls={} events={} invalidation_cycles={}", path,
                   saved->starts, saved->calls, saved->events, saved->invalidationCycles);
    } else {
      spdlog::info("event=counters_new file={}", path);
    }
  } catch (const CountersError& e) {
    // Reported and ignored: counting starts again, and the next save replaces the file.
    savedCounters_ = {};
    spdlog::error("event=counters_corrupt file={} error=\"{}\" action=\"starting from zero\"", path, e.what());
  }
  counterSaver_ = std::make_unique<CounterSaver>(io_, path);
}

LifetimeCounters Hub::lifetime() const {
  LifetimeCounters run;
  run.starts = 1;
  for (const auto& [key, n] : callMetrics_.calls) {
    run.calls += n;
    if (std::get<2>(key) != "ok") run.callErrors += n;
  }
  run.events = callMetrics_.eventsReceived;
  auto inv = invalidations_->stats();
  run.invalidationCycles = inv.cycles;
  run.invalidationSeconds = inv.totalCycleSeconds;
  LifetimeCounters total = savedCounters_;
  total += run;
  return total;
}

void Hub::armStatsTimer() {
  statsTimer_.cancel();
  if (config_.statsIntervalSeconds <= 0 || draining_) return;
  statsTimer_.expires_after(millis(config_.statsIntervalSeconds));
  statsTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    logReport();
    armStatsTimer();
  });
}

}  // namespace zenhub::hub
