#include "hub/pool/pool_shell.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <boost/asio/post.hpp>

#include "hub/pool/log_forwarder.h"
#include "hub/pool/worker_link.h"
#include "rpc/errors.h"

namespace zenhub::hub::pool {

namespace {
constexpr auto kRssSampleInterval = std::chrono::seconds(5);
constexpr const char* kRemotePrefix = "remote exception: ";

// A worker's answer arrives as a remote exception; the collector should see the service's error
// as the service raised it (its own RPC layer adds the prefix once).
kj::Exception unwrapRemote(kj::Exception&& e) {
  kj::StringPtr d = e.getDescription();
  if (!d.startsWith(kRemotePrefix)) return kj::mv(e);
  kj::Exception out(e.getType(), e.getFile(), e.getLine(), kj::heapString(d.slice(strlen(kRemotePrefix))));
  return out;
}

// The connection to the worker went away (not an error the service raised).
bool lostWorker(const kj::Exception& e) {
  return e.getType() == kj::Exception::Type::DISCONNECTED && !e.getDescription().startsWith(kRemotePrefix);
}
}  // namespace

struct PoolShell::Call {
  enum class State { kQueued, kRunning, kDone };
  CallId id = 0;
  ServiceCallInfo info;
  std::string name;  // "Service.method"
  Priority priority = Priority::kOther;
  std::chrono::milliseconds timeout{0};
  Context context;
  kj::Own<kj::PromiseFulfiller<void>> fulfiller;
  State state = State::kQueued;
  bool cancelled = false;  // the caller dropped its promise: never touch `context` again
  uint64_t attempt = 0;
  std::optional<WorkerId> worker;
  TimePoint started{};
  kj::Maybe<kj::Exception> error;  // the last attempt's, when it failed
  kj::Canceler queueTimer;
  kj::Canceler running;

  Call(Context ctx) : context(ctx) {}
};

struct PoolShell::Record {
  WorkerId id = 0;
  int slot = 0;
  std::string name;
  std::unique_ptr<WorkerProcess> process;
  std::unique_ptr<WorkerLink> link;
  std::unique_ptr<LogForwarder> log;
  kj::Canceler canceler;  // hello, disconnect watch
  TimePoint spawned{};
  uint64_t served = 0;
  std::shared_ptr<Call> current;
  TimePoint currentStart{};
  std::string lastCall;
  Nanos lastDuration{0};
  std::optional<TimePoint> lastEnd;
  Nanos idleBefore{0};
  uint64_t rss = 0;
};

struct PoolShell::Outcome {
  enum class Kind { kOk, kServiceError, kLost, kTimeout };
  Kind kind = Kind::kOk;
};

void PoolShell::LogErrors::taskFailed(kj::Exception&& exception) {
  spdlog::error("event=pool_task_failed error=\"{}\"", exception.getDescription().cStr());
}

PoolShell::PoolShell(std::string name, boost::asio::io_context& io, rpc::AsioEventPort& port,
                     const PoolConfig& config, const WorkerCommand& command, ProcessLauncher& launcher,
                     Clock& clock, const PoolEvents& events, MethodStatsTable& methods,
                     PoolCounters& counters, std::function<void()> onChange)
    : name_(std::move(name)), io_(io), port_(port), command_(command), launcher_(launcher),
      clock_(clock), events_(events), methods_(methods), counters_(counters),
      onChange_(std::move(onChange)), retries_(config.retries), policy_(config.supervisor(name_)),
      worklist_(config.queueLimit), wakeup_(io), rssSampler_(io) {}

PoolShell::~PoolShell() {
  *alive_ = false;
  // Destroyed without a drain (a test, or the hub dying): do not leave processes behind. This
  // is the one place that reaps outside the exit handler, and it runs only when no exit handler
  // can run any more.
  for (auto& [id, record] : records_) {
    record->canceler.cancel("pool destroyed");
    if (record->current) record->current->running.cancel("pool destroyed");
    if (!record->process) continue;
    record->process->signal(SIGKILL);
    ::waitpid(record->process->pid(), nullptr, 0);
  }
  for (auto& [id, call] : calls_) {
    call->queueTimer.cancel("pool destroyed");
    call->running.cancel("pool destroyed");
    if (!call->cancelled && call->fulfiller->isWaiting()) {
      call->fulfiller->reject(rpc::makeError(rpc::ErrorCode::kShutdown, "the worker pool is gone"));
    }
  }
}

void PoolShell::start() {
  apply(policy_.start(clock_.now()));
  armRssSampler();
}

// ---- calls ------------------------------------------------------------------------------

kj::Promise<void> PoolShell::submit(const ServiceCallInfo& info, Context context, Priority priority,
                                    std::chrono::milliseconds timeout) {
  if (draining_) {
    ++counters_.rejectedShutdown;
    return rpc::makeError(rpc::ErrorCode::kShutdown, "the hub is shutting down");
  }
  if (worklist_.size() >= worklist_.limit()) {
    ++counters_.rejectedBusy;
    return rpc::makeError(rpc::ErrorCode::kBusy, "pool " + name_ + " has " +
                                                     std::to_string(worklist_.size()) + " calls queued; retry later");
  }
  auto call = std::make_shared<Call>(context);
  call->id = nextCall_++;
  call->info = info;
  call->name = info.service + "." + info.method;
  call->priority = priority;
  call->timeout = timeout;
  auto paf = kj::newPromiseAndFulfiller<void>();
  call->fulfiller = kj::mv(paf.fulfiller);
  calls_.emplace(call->id, call);
  enqueue(call, false);
  dispatch();
  // The caller may drop its promise (its connection went): forget a queued call; a running one
  // finishes on its worker but its results are not copied into the dead context.
  return paf.promise.attach(kj::defer([this, alive = alive_, call]() {
    if (!*alive || call->state == Call::State::kDone) return;
    call->cancelled = true;
    if (call->state == Call::State::kQueued) {
      worklist_.remove(call->id);
      call->queueTimer.cancel("cancelled");
      call->state = Call::State::kDone;
      calls_.erase(call->id);
    }
  }));
}

void PoolShell::enqueue(const std::shared_ptr<Call>& call, bool front) {
  call->state = Call::State::kQueued;
  if (front) {
    worklist_.pushFront(call->id, call->priority);
  } else {
    worklist_.push(call->id, call->priority);
  }
  tasks_.add(call->queueTimer.wrap(port_.timer().afterDelay(call->timeout.count() * kj::MILLISECONDS))
                 .then([this, call]() {
                   if (call->state != Call::State::kQueued) return;
                   worklist_.remove(call->id);
                   ++counters_.timeouts;
                   finish(call, rpc::makeError(rpc::ErrorCode::kTimeout,
                                               call->name + " waited " + std::to_string(call->timeout.count()) +
                                                   " ms for a worker in pool " + name_));
                 },
                 [](kj::Exception&&) {}));  // cancelled: dispatched or gone
}

void PoolShell::dispatch() {
  if (dispatching_) return;  // a finish() inside the loop re-enters through onChange
  dispatching_ = true;
  while (!worklist_.empty()) {
    Record* idle = nullptr;
    for (auto& [id, record] : records_) {
      if (!record->current && policy_.accepts(id)) {
        idle = record.get();
        break;
      }
    }
    if (!idle) break;
    auto id = worklist_.pop();
    auto it = calls_.find(*id);
    if (it == calls_.end()) continue;
    auto call = it->second;  // a copy: startCall may not outlive the map entry otherwise
    startCall(*idle, call);
  }
  dispatching_ = false;
}

void PoolShell::startCall(Record& record, const std::shared_ptr<Call>& call) {
  auto now = clock_.now();
  call->queueTimer.cancel("dispatched");
  call->state = Call::State::kRunning;
  call->worker = record.id;
  call->started = now;
  uint64_t attempt = ++call->attempt;
  record.idleBefore = record.lastEnd ? now - *record.lastEnd : now - record.spawned;
  record.current = call;
  record.currentStart = now;
  policy_.onCallStart(record.id);

  auto request = record.link->worker().callRequest();
  auto sc = request.initCall();
  sc.setService(call->info.service);
  sc.setMonitor(call->info.monitor);
  sc.setMethod(call->info.method);
  sc.setInterfaceId(call->info.interfaceId);
  sc.setMethodId(call->info.methodId);
  auto options = sc.initOptions(static_cast<unsigned>(call->info.options.size()));
  for (unsigned i = 0; i < options.size(); ++i) {
    options[i].setKey(call->info.options[i].first);
    options[i].setValue(call->info.options[i].second);
  }
  sc.getParams().set(call->context.getParams());

  auto answer = request.send().then(
      [call](capnp::Response<schema::Worker::CallResults>&& response) {
        if (!call->cancelled) call->context.getResults().set(response.getResults());
        return Outcome{Outcome::Kind::kOk};
      },
      [call](kj::Exception&& e) {
        auto kind = lostWorker(e) ? Outcome::Kind::kLost : Outcome::Kind::kServiceError;
        call->error = kj::mv(e);
        return Outcome{kind};
      });
  auto deadline = port_.timer().afterDelay(call->timeout.count() * kj::MILLISECONDS).then([]() {
    return Outcome{Outcome::Kind::kTimeout};
  });
  WorkerId worker = record.id;
  tasks_.add(call->running.wrap(answer.exclusiveJoin(kj::mv(deadline)))
                 .then([this, call, worker, attempt](Outcome&& outcome) {
                   onOutcome(call, worker, attempt, kj::mv(outcome));
                 },
                 [](kj::Exception&&) {}));  // cancelled: whoever cancelled handled the call
}

void PoolShell::onOutcome(const std::shared_ptr<Call>& call, WorkerId worker, uint64_t attempt,
                          Outcome&& outcome) {
  if (call->attempt != attempt || call->worker != worker || call->state != Call::State::kRunning) return;
  auto now = clock_.now();
  auto elapsed = std::chrono::duration_cast<Nanos>(now - call->started);
  call->worker.reset();
  auto it = records_.find(worker);
  Record* record = it == records_.end() ? nullptr : it->second.get();
  if (record) {
    record->current.reset();
    record->lastCall = call->name;
    record->lastDuration = elapsed;
    record->lastEnd = now;
  }
  switch (outcome.kind) {
    case Outcome::Kind::kOk:
      methods_.record(call->name, elapsed, true);
      finish(call, nullptr);
      break;
    case Outcome::Kind::kServiceError:
      methods_.record(call->name, elapsed, false);
      {
        auto error = kj::mv(KJ_ASSERT_NONNULL(call->error));
        call->error = nullptr;
        finish(call, unwrapRemote(kj::mv(error)));
      }
      break;
    case Outcome::Kind::kTimeout:
      methods_.record(call->name, elapsed, false);
      ++counters_.timeouts;
      spdlog::warn("event=call_timeout pool={} worker={} method={} timeout_ms={}; stopping the worker", name_,
                   record ? record->name : "?", call->name, call->timeout.count());
      finish(call, rpc::makeError(rpc::ErrorCode::kTimeout, call->name + " ran longer than " +
                                                                 std::to_string(call->timeout.count()) + " ms"));
      if (record) apply(policy_.onHung(worker, now));
      break;
    case Outcome::Kind::kLost:
      spdlog::warn("event=worker_lost_mid_call pool={} worker={} method={}", name_, record ? record->name : "?", call->name);
      retryOrFail(call);
      if (record) apply(policy_.onLostPipe(worker, now));
      break;
  }
  if (record && outcome.kind != Outcome::Kind::kLost) {
    ++record->served;
    apply(policy_.onCallDone(worker, record->served, now));
  }
  dispatch();
  if (onChange_) onChange_();
}

void PoolShell::orphanCall(Record& record) {
  if (!record.current) return;
  auto call = std::move(record.current);
  record.current.reset();
  call->running.cancel("worker gone");
  call->worker.reset();
  retryOrFail(call);
}

void PoolShell::retryOrFail(const std::shared_ptr<Call>& call) {
  if (draining_) {
    ++counters_.rejectedShutdown;
    finish(call, rpc::makeError(rpc::ErrorCode::kShutdown, "the hub is shutting down"));
    return;
  }
  if (call->attempt > static_cast<uint64_t>(retries_)) {
    finish(call, rpc::makeError(rpc::ErrorCode::kInternal,
                                call->name + ": the worker died running it, " + std::to_string(call->attempt) +
                                    " attempts"));
    return;
  }
  ++counters_.retries;
  if (call->cancelled) {  // nobody waits for it any more
    finish(call, nullptr);
    return;
  }
  enqueue(call, true);
}

void PoolShell::finish(std::shared_ptr<Call> call, kj::Maybe<kj::Exception> error) {
  call->state = Call::State::kDone;
  call->queueTimer.cancel("finished");
  calls_.erase(call->id);
  if (call->cancelled || !call->fulfiller->isWaiting()) return;
  KJ_IF_MAYBE(e, error) {
    call->fulfiller->reject(kj::mv(*e));
  } else {
    call->fulfiller->fulfill();
  }
}

size_t PoolShell::inFlight() const {
  size_t n = 0;
  for (const auto& [id, record] : records_) n += record->current ? 1 : 0;
  return n;
}

// ---- workers ----------------------------------------------------------------------------

void PoolShell::apply(const std::vector<Action>& actions) {
  for (const auto& a : actions) {
    auto it = records_.find(a.worker);
    switch (a.kind) {
      case Action::Kind::kSpawn:
        spawn(a.worker, a.slot);
        break;
      case Action::Kind::kTerminate:
        if (it != records_.end() && it->second->process) {
          spdlog::info("event=worker_stopping pool={} worker={} pid={} reason={}", name_, it->second->name,
                       it->second->process->pid(), stopReasonName(a.reason));
          it->second->process->signal(SIGTERM);
        }
        break;
      case Action::Kind::kKill:
        if (it != records_.end() && it->second->process) {
          spdlog::warn("event=worker_killed pool={} worker={} pid={} reason=\"still there after the grace\"", name_,
                       it->second->name, it->second->process->pid());
          it->second->process->signal(SIGKILL);
        }
        break;
      case Action::Kind::kCrashLoop:
        ++counters_.crashLoops;
        spdlog::error("event=worker_crash_loop pool={} quick_deaths={} next_spawn_in_ms={}", name_, a.crashes,
                      std::chrono::duration_cast<std::chrono::milliseconds>(a.backoff).count());
        if (events_.onCrashLoop) events_.onCrashLoop(name_, a.crashes, a.backoff);
        break;
    }
  }
  armWakeup();
}

void PoolShell::armWakeup() {
  auto next = policy_.nextWakeup();
  if (!next) {
    wakeup_.cancel();
    return;
  }
  auto delay = std::max(*next - clock_.now(), Duration{0});
  wakeup_.expires_after(delay);
  wakeup_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec == boost::asio::error::operation_aborted) return;
    port_.fromAsio([this]() { apply(policy_.onTimer(clock_.now())); });
  });
}

void PoolShell::armRssSampler() {
  rssSampler_.expires_after(kRssSampleInterval);
  rssSampler_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec == boost::asio::error::operation_aborted) return;
    auto now = clock_.now();
    std::vector<WorkerId> ids;
    for (auto& [id, record] : records_) ids.push_back(id);
    for (auto id : ids) {
      auto it = records_.find(id);
      if (it == records_.end()) continue;
      if (!it->second->process) continue;
      it->second->rss = it->second->process->rssBytes();
      apply(policy_.onRss(id, it->second->rss, now));
    }
    armRssSampler();
  });
}

void PoolShell::spawn(WorkerId id, int slot) {
  auto record = std::make_unique<Record>();
  record->id = id;
  record->slot = slot;
  record->name = workerName(slot);
  record->spawned = clock_.now();
  try {
    record->process = launcher_.launch(command_, [this, alive = alive_, id](int status) {
      if (!*alive) return;
      port_.fromAsio([this, id, status]() { onProcessExit(id, status); });
    });
    record->link = std::make_unique<WorkerLink>(record->process->takeStdout(), record->process->takeStdin());
    record->log = std::make_unique<LogForwarder>(record->process->takeStderr(), record->name, record->process->pid());
  } catch (const std::exception& e) {
    // Counts as a death at start (the crash-loop backoff applies), through the one exit path.
    spdlog::error("event=worker_start_failed pool={} worker={} error=\"{}\"", name_, record->name, e.what());
    record->process.reset();
    records_.emplace(id, std::move(record));
    boost::asio::post(io_, [this, alive = alive_, id]() {
      if (*alive) port_.fromAsio([this, id]() { onProcessExit(id, 127 << 8); });
    });
    return;
  }
  int pid = record->process->pid();
  spdlog::info("event=worker_started pool={} worker={} pid={}", name_, record->name, pid);
  auto hello = kj::Promise<capnp::Response<schema::Worker::HelloResults>>(
      record->link->worker().helloRequest().send());
  tasks_.add(record->canceler.wrap(kj::mv(hello)).then(
      [this, id](capnp::Response<schema::Worker::HelloResults>&& response) {
        std::set<std::string> names;
        for (auto n : response.getServices()) names.insert(n);
        onHello(id, response.getPid(), std::move(names));
      },
      [this, id](kj::Exception&& e) {
        spdlog::warn("event=worker_failed_before_ready pool={} id={} error=\"{}\"", name_, id, e.getDescription().cStr());
        onLinkLost(id);
      }));
  tasks_.add(record->canceler.wrap(record->link->onDisconnect()).then([this, id]() { onLinkLost(id); },
                                                                       [](kj::Exception&&) {}));
  auto& name = record->name;
  records_.emplace(id, std::move(record));
  if (events_.onSpawn) events_.onSpawn(name_, name, pid);
}

void PoolShell::onHello(WorkerId id, int pid, std::set<std::string> services) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  auto now = clock_.now();
  it->second->lastEnd.reset();
  auto actions = policy_.onReady(id, now);
  services_ = std::move(services);
  heardHello_ = true;
  spdlog::info("event=worker_ready pool={} worker={} pid={} startup_ms={}", name_, it->second->name, pid,
               std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second->spawned).count());
  if (events_.onReady) events_.onReady(name_, it->second->name, pid);
  apply(actions);
  dispatch();
  if (onChange_) onChange_();
}

void PoolShell::onLinkLost(WorkerId id) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  // Only marks the worker dead: its exit (the one respawn path) replaces it.
  orphanCall(*it->second);
  apply(policy_.onLostPipe(id, clock_.now()));
  dispatch();
}

void PoolShell::onProcessExit(WorkerId id, int status) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  auto record = std::move(it->second);
  records_.erase(it);
  ++counters_.workerExits;
  int pid = record->process ? record->process->pid() : -1;
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  // Stopped by us (recycle, hang, resize, shutdown), or gone by itself (a lost pipe is its own).
  auto reason = policy_.stopReason(id);
  bool expected = reason != StopReason::kNone && reason != StopReason::kLostPipe;
  if (expected || clean) {
    spdlog::info("event=worker_exited pool={} worker={} pid={} how=\"{}\"", name_, record->name, pid, describeWaitStatus(status));
  } else {
    spdlog::warn("event=worker_died pool={} worker={} pid={} how=\"{}\"", name_, record->name, pid, describeWaitStatus(status));
  }
  orphanCall(*record);
  record->canceler.cancel("worker exited");
  if (events_.onExit) events_.onExit(name_, record->name, pid, status);
  record.reset();  // link (RpcSystem, network, stream), stderr, process handle
  apply(policy_.onExit(id, clock_.now()));
  dispatch();
  if (onChange_) onChange_();
}

// ---- drain, reload, signals, stats -----------------------------------------------------

void PoolShell::beginDrain() {
  if (draining_) return;
  draining_ = true;
  policy_.beginShutdown();
  armWakeup();
  for (auto id : worklist_.takeAll()) {
    auto it = calls_.find(id);
    if (it == calls_.end()) continue;
    ++counters_.rejectedShutdown;
    finish(it->second, rpc::makeError(rpc::ErrorCode::kShutdown, "the hub is shutting down"));
  }
}

void PoolShell::stopWorkers() { apply(policy_.stopAll(clock_.now())); }

void PoolShell::reconfigure(const PoolConfig& config) {
  retries_ = config.retries;
  worklist_.setLimit(config.queueLimit);
  auto s = config.supervisor(name_);
  policy_.setLimits(s.callLimit, s.rssLimitBytes);
  if (!draining_) apply(policy_.resize(s.workers, clock_.now()));
}

int PoolShell::signalReady(int sig, Duration minAge) {
  auto now = clock_.now();
  int sent = 0;
  for (auto& [id, record] : records_) {
    auto since = policy_.readySince(id);
    auto state = policy_.state(id);
    if (!since || now - *since < minAge) continue;
    if (state != WorkerState::kReady && state != WorkerState::kRetiring) continue;
    if (!record->process) continue;
    record->process->signal(sig);
    ++sent;
  }
  return sent;
}

void PoolShell::collect(PoolStats& stats) const {
  auto now = clock_.now();
  QueueStat queue;
  queue.pool = name_;
  for (auto p : kAllPriorities) queue.depth[static_cast<size_t>(p)] = worklist_.size(p);
  stats.queues.push_back(queue);
  for (const auto& [id, record] : records_) {
    WorkerStat w;
    w.id = record->name;
    w.pool = name_;
    w.pid = record->process ? record->process->pid() : 0;
    auto state = policy_.state(id);
    w.state = state ? workerStateName(*state) : "gone";
    w.busy = record->current != nullptr;
    if (w.busy) {
      w.currentCall = record->current->name;
      w.currentElapsed = now - record->currentStart;
      w.idleBefore = record->idleBefore;
    } else if (record->lastEnd) {
      w.idleBefore = now - *record->lastEnd;
    }
    w.lastCall = record->lastCall;
    w.lastDuration = record->lastDuration;
    w.callsServed = record->served;
    w.age = now - record->spawned;
    w.rssBytes = record->rss;
    w.restarts = policy_.restarts(record->slot);
    stats.workers.push_back(w);
  }
}

}  // namespace zenhub::hub::pool
