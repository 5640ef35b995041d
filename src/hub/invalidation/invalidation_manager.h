// InvalidationManager: model changes to collectors (DESIGN.md section 8). Every poll interval it
// reads the change feed from its cursor on its own thread and store connection (the hub's loop
// never waits on the store), turns the changes into a Plan (planner.h), and runs cycles on the
// loop: configs are computed by the workers (getDeviceConfigs through the same path collectors'
// calls take, so at CONFIG priority, in batches per service, monitor and listener options) and
// pushed to each listener. Each push is awaited with a timeout; a listener that fails or times
// out is dropped; pushes are independent, so one slow collector delays nobody else.
//
// While a cycle runs, new changes wait and are coalesced into the next (debouncer.h bounds the
// wait). A feed cursor that predates compaction re-reads the model and sends every listener
// notifyConfigChanged. An unreachable store: the hub keeps serving, polls again with backoff,
// raises an event, and resumes from its cursor when the store is back (nothing is lost).
// Operators pause and resume processing (an event each time); changes stay in the feed meanwhile.
#pragma once

#include <kj/async.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "hub/call_executor.h"
#include "hub/hub_events.h"
#include "hub/invalidation/debouncer.h"
#include "hub/invalidation/invalidation_config.h"
#include "hub/invalidation/plan.h"
#include "hub/service_manager.h"
#include "rpc/event_port.h"
#include "rpc/off_loop.h"

namespace zenhub::hub::invalidation {

class SlotLimiter;

struct InvalidationStats {
  bool paused = false;
  bool storeReachable = true;
  bool indexed = false;          // the device index is built (the first read succeeded)
  int64_t cursor = 0;
  uint64_t indexedDevices = 0;
  uint64_t polls = 0;
  uint64_t pollErrors = 0;
  uint64_t cycles = 0;
  uint64_t resyncs = 0;
  PlanCounts counts;
  uint64_t devicesAffected = 0;  // (collector, device) pairs planned
  uint64_t configsPushed = 0;    // device configs delivered in updateDeviceConfigs
  uint64_t deletesPushed = 0;    // device ids delivered in deleteDevices
  uint64_t otherPushes = 0;      // setPropertyItems, updateThresholdClasses, notifyConfigChanged
  uint64_t pushesFailed = 0;
  uint64_t listenersDropped = 0;
  uint64_t computeErrors = 0;
  uint64_t pendingDevices = 0;
  double lastCycleSeconds = 0;
  double maxCycleSeconds = 0;
  double totalCycleSeconds = 0;
  // Change-to-push latency: from the change's commit to the push's answer.
  uint64_t latencyCount = 0;
  double latencySumSeconds = 0;
  double latencyMaxSeconds = 0;
  double latencyLastSeconds = 0;
};

class InvalidationManager {
 public:
  // Every reference must outlive the manager. `pauseFile`: where a pause is kept across
  // restarts ("" = a pause does not survive).
  InvalidationManager(boost::asio::io_context& io, rpc::AsioEventPort& port, InvalidationConfig config,
                      std::string storeUri, std::string pauseFile, ServiceManager& services,
                      CallExecutor& executor, HubEvents& events);
  ~InvalidationManager();

  void start();
  // Drain: no more polls or cycles.
  void stop();
  void reconfigure(InvalidationConfig config);
  // By an operator (`who` is logged and in the event). Return false when already so.
  bool pause(const std::string& who);
  bool resume(const std::string& who);
  bool paused() const { return paused_; }
  InvalidationStats stats() const;

 private:
  struct Shared;      // the invalidation thread's state (store, index, filters, cursor)
  struct PollResult;

  void schedulePoll(std::chrono::steady_clock::duration delay);
  void poll();
  void onPolled(PollResult&& result);
  void onPollFailed(const std::string& error);
  void maybeStartCycle();
  void runCycle(Plan plan);
  kj::Promise<void> pushDevices(ServiceInstance& inst, ServiceOptions options, std::vector<uint64_t> listeners,
                                std::vector<std::string> updates, std::vector<std::string> deletes,
                                int64_t sinceMs);
  kj::Promise<void> pushPropertyItems(ServiceInstance& inst);
  kj::Promise<void> pushThresholdClasses(ServiceInstance& inst);
  // Sends one push to a listener and watches its answer (timeout, failure: the listener goes).
  void watchPush(ServiceInstance& inst, uint64_t listener, kj::Promise<void> answered, uint64_t configs,
                 uint64_t deletes, int64_t sinceMs);
  void notifyAll(ServiceInstance& inst, const char* why);
  // Devices whose configs could not be computed (a worker or the store failed) go into a later
  // cycle, after a backoff that doubles while failures go on.
  void scheduleRetry();
  void dropListener(ServiceInstance& inst, uint64_t listener, const std::string& why);
  void writePauseFile(bool paused, const std::string& who);

  boost::asio::io_context& io_;
  rpc::AsioEventPort& port_;
  InvalidationConfig config_;
  std::string storeUri_;
  std::string pauseFile_;
  ServiceManager& services_;
  CallExecutor& executor_;
  HubEvents& events_;

  bool started_ = false;
  bool stopped_ = false;
  bool paused_ = false;
  bool polling_ = false;
  bool cycleRunning_ = false;
  int failures_ = 0;
  std::chrono::steady_clock::time_point lastPoll_{};
  Plan pending_;
  Plan retry_;
  double retryDelay_ = 0;  // seconds; 0 after a cycle without failures
  Debouncer debouncer_;
  InvalidationStats stats_;
  std::chrono::steady_clock::time_point cycleStarted_{};
  boost::asio::steady_timer pollTimer_;
  boost::asio::steady_timer debounceTimer_;
  boost::asio::steady_timer retryTimer_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<SlotLimiter> limiter_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  struct LogErrors final : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& exception) override;
  } logErrors_;
  kj::TaskSet tasks_{logErrors_};
  rpc::OffLoopRunner runner_;  // last: joined first, before the state its work uses goes
};

}  // namespace zenhub::hub::invalidation
