// PoolShell: one named pool of worker processes: its worklist, its Supervisor policy, and the
// thin shell that executes the policy's decisions (spawn with the ProcessLauncher, TERM/KILL,
// timers) and runs calls on the workers over their pipes. The WorkerPool owns one per pool.
//
// Calls go to workers by the supervisor's dispatch rule (an idle worker first; else up to
// `worker_pipeline` calls in flight on one worker, which runs them one at a time in order). The
// shell keeps each worker's calls in that order: the front one is running, its timeout counts
// from when it got to the front (the previous call's answer), not from when it was sent.
//
// Faults, as DESIGN.md section 6 has them:
// - A worker's pipe closing (or its process exiting) with calls in flight puts all of them back
//   at the front of their queues, in order; the one that was running counts a retry (at most
//   `retries`, then zenhub.internal), those waiting behind it were not at fault and do not. The
//   pipe closing spawns nothing.
// - A call running longer than its route's timeout is answered zenhub.timeout and its worker is
//   stopped (TERM, KILL after the grace) and replaced when it has exited; the calls waiting
//   behind it on that worker go back to the queue, as above.
// - A call waiting in the queue longer than its timeout is answered zenhub.timeout too.
// Both timeouts are kept by one timer per pool, set for the earliest deadline (not one timer
// per call: at tens of thousands of calls a second they cost the loop more than the calls).
// All of it runs on the hub's one thread; objects here hold [this] only in work that their
// destructor cancels (the TaskSet, cancelers, asio handlers with an alive token).
#pragma once

#include <capnp/any.h>
#include <capnp/capability.h>
#include <kj/async.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "hub/call_executor.h"
#include "hub/pool/clock.h"
#include "hub/pool/pool_config.h"
#include "hub/pool/pool_stats.h"
#include "hub/pool/process_launcher.h"
#include "hub/pool/supervisor.h"
#include "hub/pool/worklist.h"
#include "rpc/event_port.h"

namespace zenhub::hub::pool {

// Things the hub (or a test) wants to hear about. Every member is optional.
struct PoolEvents {
  // A crash loop: `crashes` quick deaths in a row; the next spawn waits `backoff`.
  std::function<void(const std::string& pool, int crashes, Duration backoff)> onCrashLoop;
  std::function<void(const std::string& pool, const std::string& worker, int pid)> onSpawn;
  std::function<void(const std::string& pool, const std::string& worker, int pid)> onReady;
  std::function<void(const std::string& pool, const std::string& worker, int pid, int status)> onExit;
};

class PoolShell {
 public:
  using Context = capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer>;

  // Every reference must outlive the shell. `onChange` runs after a call finishes or a worker
  // exits (the WorkerPool checks its drain there).
  PoolShell(std::string name, boost::asio::io_context& io, rpc::AsioEventPort& port,
            const PoolConfig& config, const WorkerCommand& command, ProcessLauncher& launcher,
            Clock& clock, const PoolEvents& events, MethodStatsTable& methods, PoolCounters& counters,
            std::function<void()> onChange);
  ~PoolShell();
  KJ_DISALLOW_COPY(PoolShell);

  void start();
  // Queues the call; rejects at once with zenhub.busy when the worklist is full.
  kj::Promise<void> submit(const ServiceCallInfo& info, Context context, Priority priority,
                           std::chrono::milliseconds timeout);

  // Drain, step 1: the shutdown flag (nothing spawns any more) and zenhub.shutdown for every
  // queued call. In-flight calls go on.
  void beginDrain();
  // Drain, step 2: TERM every worker (KILL after the grace).
  void stopWorkers();
  // Calls on workers (running or waiting there).
  size_t inFlight() const;
  size_t liveWorkers() const { return records_.size(); }
  size_t readyWorkers() const { return policy_.readyCount(); }

  // New settings (reload): worker count, limits, pipeline depth, queue bound, retries.
  void reconfigure(const PoolConfig& config);
  // Sends `sig` to workers ready for at least `minAge`; returns how many got it.
  int signalReady(int sig, Duration minAge);

  void collect(PoolStats& stats) const;
  const std::set<std::string>& services() const { return services_; }
  // The services that implement ConfigService, as the last hello said.
  const std::set<std::string>& configServices() const { return configServices_; }
  bool heardHello() const { return heardHello_; }
  const std::string& name() const { return name_; }

 private:
  struct Call;
  struct Record;
  struct Outcome;

  void apply(const std::vector<Action>& actions);
  void armWakeup();
  void armRssSampler();
  void spawn(WorkerId id, int slot);
  void onHello(WorkerId id, int pid, std::set<std::string> services, std::set<std::string> configServices);
  void onLinkLost(WorkerId id);
  void onProcessExit(WorkerId id, int status);
  // Back to the front of its queue (its worker was lost or stopped).
  void requeue(const std::shared_ptr<Call>& call);
  // The deadline timer fires no later than `deadline` (a call's, queued or running).
  void noteDeadline(TimePoint deadline);
  // Times out every call past its deadline (queued: zenhub.timeout; running: zenhub.timeout and
  // its worker is stopped), then sets the timer for the earliest deadline left.
  void sweepDeadlines();
  void dispatch();
  void startCall(Record& record, const std::shared_ptr<Call>& call);
  // The front call of `record` starts running (if it has not): its timeout is armed.
  void runFront(Record& record, TimePoint now);
  void onOutcome(const std::shared_ptr<Call>& call, WorkerId worker, uint64_t attempt, Outcome&& outcome);
  // The worker under `record` is gone or being stopped: its calls go back to the queue (or fail).
  void orphanCalls(Record& record);
  void retryOrFail(const std::shared_ptr<Call>& call);
  // By value: `call` may be the map entry it erases.
  void finish(std::shared_ptr<Call> call, kj::Maybe<kj::Exception> error);
  std::string workerName(int slot) const { return name_ + "-" + std::to_string(slot); }

  std::string name_;
  boost::asio::io_context& io_;
  rpc::AsioEventPort& port_;
  WorkerCommand command_;
  ProcessLauncher& launcher_;
  Clock& clock_;
  const PoolEvents& events_;
  MethodStatsTable& methods_;
  PoolCounters& counters_;
  std::function<void()> onChange_;
  int retries_;

  Supervisor policy_;
  Worklist worklist_;
  std::map<CallId, std::shared_ptr<Call>> calls_;
  std::map<WorkerId, std::unique_ptr<Record>> records_;
  std::set<std::string> services_;
  std::set<std::string> configServices_;
  bool heardHello_ = false;
  bool draining_ = false;
  bool dispatching_ = false;
  CallId nextCall_ = 1;
  boost::asio::steady_timer wakeup_;
  boost::asio::steady_timer deadlineTimer_;
  std::optional<TimePoint> deadlineArmed_;  // when deadlineTimer_ fires, if it is set
  boost::asio::steady_timer rssSampler_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  struct LogErrors final : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& exception) override;
  } logErrors_;
  kj::TaskSet tasks_{logErrors_};  // last: destroyed first, cancelling every continuation that uses `this`
};

}  // namespace zenhub::hub::pool
