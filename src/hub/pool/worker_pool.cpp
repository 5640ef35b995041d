#include "hub/pool/worker_pool.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "rpc/errors.h"

namespace zenhub::hub::pool {

WorkerPool::WorkerPool(boost::asio::io_context& io, rpc::AsioEventPort& port, PoolConfig config,
                       WorkerCommand command, ProcessLauncher& launcher, Clock& clock, PoolEvents events)
    : io_(io), port_(port), config_(std::move(config)), command_(std::move(command)), launcher_(launcher),
      clock_(clock), events_(std::move(events)), router_(config_.router()), priorities_(config_.priorityMap()),
      drainDeadline_(io) {
  for (const auto& [name, workers] : config_.pools) addShell(name);
}

WorkerPool::~WorkerPool() { *alive_ = false; }

PoolShell& WorkerPool::addShell(const std::string& name) {
  auto shell = std::make_unique<PoolShell>(name, io_, port_, config_, command_, launcher_, clock_, events_,
                                           methods_, counters_, [this]() { checkDrain(); });
  auto& ref = *shell;
  shells_[name] = std::move(shell);
  return ref;
}

void WorkerPool::start() {
  if (started_) return;
  started_ = true;
  // A worker that dies while we write its request must be an EPIPE on that pipe, not the hub's
  // death (the hub's signal setup does the same; the pool must not depend on it).
  ::signal(SIGPIPE, SIG_IGN);
  for (auto& [name, shell] : shells_) shell->start();
}

kj::Promise<void> WorkerPool::execute(const ServiceCallInfo& call,
                                      capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) {
  if (draining_) {
    ++counters_.rejectedShutdown;
    return rpc::makeError(rpc::ErrorCode::kShutdown, "the hub is shutting down");
  }
  const Route& route = router_.resolve(call.service, call.method);
  auto it = shells_.find(route.pool);
  if (it == shells_.end()) {  // validated configs never get here
    return rpc::makeError(rpc::ErrorCode::kInternal, "no pool named '" + route.pool + "'");
  }
  auto timeout = route.timeout.count() > 0 ? route.timeout : config_.callTimeout;
  return it->second->submit(call, context, priorities_.of(call.service, call.method), timeout);
}

bool WorkerPool::knowsService(std::string_view name) const {
  bool heard = false;
  for (const auto& [pool, shell] : shells_) {
    if (!shell->heardHello()) continue;
    heard = true;
    if (shell->services().count(std::string(name))) return true;
  }
  return !heard;
}

bool WorkerPool::isConfigService(std::string_view name) const {
  for (const auto& [pool, shell] : shells_) {
    if (shell->configServices().count(std::string(name))) return true;
  }
  return false;
}

void WorkerPool::drain(std::chrono::steady_clock::duration deadline, std::function<void()> onDone) {
  if (draining_) return;
  draining_ = true;
  onDrained_ = std::move(onDone);
  spdlog::info("worker pool draining in_flight={} deadline_ms={}", inFlightCalls(),
               std::chrono::duration_cast<std::chrono::milliseconds>(deadline).count());
  for (auto& [name, shell] : shells_) shell->beginDrain();
  drainDeadline_.expires_after(deadline);
  drainDeadline_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec == boost::asio::error::operation_aborted || stopping_) return;
    spdlog::warn("drain deadline passed: stopping workers with calls still running");
    stopping_ = true;
    port_.fromAsio([this]() {
      for (auto& [name, shell] : shells_) shell->stopWorkers();
    });
  });
  checkDrain();
}

void WorkerPool::checkDrain() {
  if (!draining_ || done_) return;
  if (!stopping_) {
    for (auto& [name, shell] : shells_) {
      if (shell->inFlight() > 0) return;
    }
    stopping_ = true;
    drainDeadline_.cancel();
    for (auto& [name, shell] : shells_) shell->stopWorkers();
  }
  if (liveWorkers() > 0) return;
  done_ = true;
  drainDeadline_.cancel();
  spdlog::info("worker pool drained: every worker has exited");
  // Posted: the caller may be a shell in the middle of its exit handling.
  boost::asio::post(io_, [alive = alive_, done = std::move(onDrained_)]() {
    if (*alive && done) done();
  });
}

void WorkerPool::reload(PoolConfig config) {
  config_ = std::move(config);
  router_ = config_.router();
  priorities_ = config_.priorityMap();
  for (auto& [name, shell] : shells_) {
    if (!config_.pools.count(name)) {
      auto scaled = config_;
      scaled.pools[name] = 0;
      shell->reconfigure(scaled);
    } else {
      shell->reconfigure(config_);
    }
  }
  for (const auto& [name, workers] : config_.pools) {
    if (!shells_.count(name)) {
      auto& shell = addShell(name);
      if (started_ && !draining_) shell.start();
    }
  }
}

int WorkerPool::forwardSigusr2() {
  int sent = 0;
  for (auto& [name, shell] : shells_) sent += shell->signalReady(SIGUSR2, config_.signalMinAge);
  return sent;
}

PoolStats WorkerPool::stats() const {
  PoolStats s;
  for (const auto& [name, shell] : shells_) shell->collect(s);
  s.methods = methods_.byTotal();
  s.counters = counters_;
  return s;
}

bool WorkerPool::ready() const {
  for (const auto& [name, shell] : shells_) {
    auto it = config_.pools.find(name);
    if (it != config_.pools.end() && it->second > 0 && shell->readyWorkers() == 0) return false;
  }
  return true;
}

size_t WorkerPool::inFlightCalls() const {
  size_t n = 0;
  for (const auto& [name, shell] : shells_) n += shell->inFlight();
  return n;
}

size_t WorkerPool::liveWorkers() const {
  size_t n = 0;
  for (const auto& [name, shell] : shells_) n += shell->liveWorkers();
  return n;
}

}  // namespace zenhub::hub::pool
