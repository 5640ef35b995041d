// PoolShell's workers: applying the supervisor's actions, spawning, hello, exits; then drain,
// reload, signals and stats. The calls are in pool_shell.cpp.
#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/post.hpp>

#include "hub/pool/pool_shell.h"
#include "hub/pool/pool_shell_state.h"
#include "rpc/errors.h"

namespace zenhub::hub::pool {

namespace {
constexpr auto kRssSampleInterval = std::chrono::seconds(5);
}  // namespace

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
        std::set<std::string> configNames;
        for (auto n : response.getConfigServices()) configNames.insert(n);
        onHello(id, response.getPid(), std::move(names), std::move(configNames));
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

void PoolShell::onHello(WorkerId id, int pid, std::set<std::string> services,
                        std::set<std::string> configServices) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  auto now = clock_.now();
  it->second->lastEnd.reset();
  auto actions = policy_.onReady(id, now);
  services_ = std::move(services);
  configServices_ = std::move(configServices);
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
  orphanCalls(*it->second);
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
  orphanCalls(*record);
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
  policy_.setLimits(s.callLimit, s.rssLimitBytes, s.pipeline, s.pipelineWindow);
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
  queue.restarts = policy_.restartsTotal();
  stats.queues.push_back(queue);
  for (const auto& [id, record] : records_) {
    WorkerStat w;
    w.id = record->name;
    w.pool = name_;
    w.pid = record->process ? record->process->pid() : 0;
    auto state = policy_.state(id);
    w.state = state ? workerStateName(*state) : "gone";
    w.busy = !record->calls.empty();
    if (w.busy) {
      const auto& front = *record->calls.front();
      w.currentCall = front.name;
      w.currentElapsed = now - front.started.value_or(front.sent);
      w.waiting = record->calls.size() - 1;
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
