// WorkerPool: the hub's CallExecutor. Routes each forwarded call to a pool (routes), gives it
// a priority (priority map), and hands it to that pool's PoolShell, which runs it on a
// zenhubworker process. Also the pool's operations: start, drain, reload, stats, the SIGUSR2
// report and forwarding SIGUSR2 to workers.
//
// Event calls (EventService:*) have their own pool by default (pool_config.h), so they never
// wait behind config work; within any pool they have the highest priority.
//
// Owned by the Hub; `io`, `port`, the launcher and the clock must outlive it, and it must be
// destroyed after every RPC connection that may still call execute().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/call_executor.h"
#include "hub/pool/clock.h"
#include "hub/pool/pool_config.h"
#include "hub/pool/pool_shell.h"
#include "hub/pool/pool_stats.h"
#include "hub/pool/priority.h"
#include "hub/pool/process_launcher.h"
#include "hub/pool/router.h"
#include "rpc/event_port.h"

namespace zenhub::hub::pool {

class WorkerPool final : public CallExecutor {
 public:
  // `config` must be valid (validatePoolConfig() empty). `command` starts one worker.
  WorkerPool(boost::asio::io_context& io, rpc::AsioEventPort& port, PoolConfig config,
             WorkerCommand command, ProcessLauncher& launcher, Clock& clock, PoolEvents events = {});
  ~WorkerPool() override;

  // Starts every pool's workers.
  void start();
  // SIGTERM: from now on execute() answers zenhub.shutdown; queued calls are answered
  // zenhub.shutdown; in-flight calls may finish until `deadline` passes, then every worker gets
  // TERM (KILL after the grace). No worker is spawned after this call. `onDone` runs (once, from
  // the loop) when every worker has been reaped.
  void drain(std::chrono::steady_clock::duration deadline, std::function<void()> onDone);
  // SIGHUP: new routes, priorities, limits and worker counts (pools new in `config` start;
  // pools gone from it are scaled to zero). `config` must be valid.
  void reload(PoolConfig config);
  // SIGUSR2: sends SIGUSR2 to every worker ready for at least `worker_signal_min_age`.
  // Returns how many got it.
  int forwardSigusr2();

  PoolStats stats() const;
  // The report's lines (ZenHub's layout), for the hub's SIGUSR2 log.
  std::vector<std::string> formatReport() const { return pool::formatReport(stats()); }
  // True when every pool with workers has at least one ready.
  bool ready() const;
  bool draining() const { return draining_; }
  size_t liveWorkers() const;
  // Calls sent to workers and not answered yet (running or waiting in a worker's pipeline).
  size_t inFlightCalls() const;

  // CallExecutor
  kj::Promise<void> execute(const ServiceCallInfo& call,
                            capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) override;
  // True when a worker named the service in its hello; before any worker has said hello, true
  // (the worker's answer will tell).
  bool knowsService(std::string_view name) const override;
  // True when a worker's hello named the service among those implementing ConfigService; false
  // before any worker has said hello (nothing can be pushed before then anyway).
  bool isConfigService(std::string_view name) const override;

 private:
  PoolShell& addShell(const std::string& name);
  void checkDrain();

  boost::asio::io_context& io_;
  rpc::AsioEventPort& port_;
  PoolConfig config_;
  WorkerCommand command_;
  ProcessLauncher& launcher_;
  Clock& clock_;
  PoolEvents events_;
  Router router_;
  PriorityMap priorities_;
  MethodStatsTable methods_;
  PoolCounters counters_;
  bool started_ = false;
  bool draining_ = false;
  bool stopping_ = false;  // drain: workers told to stop
  bool done_ = false;
  std::function<void()> onDrained_;
  boost::asio::steady_timer drainDeadline_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::map<std::string, std::unique_ptr<PoolShell>> shells_;  // last: goes first
};

}  // namespace zenhub::hub::pool
