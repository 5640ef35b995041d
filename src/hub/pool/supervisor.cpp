#include "hub/pool/supervisor.h"

#include <algorithm>

namespace zenhub::hub::pool {

const char* workerStateName(WorkerState s) {
  switch (s) {
    case WorkerState::kStarting: return "starting";
    case WorkerState::kReady: return "ready";
    case WorkerState::kRetiring: return "retiring";
    case WorkerState::kStopping: return "stopping";
  }
  return "?";
}

const char* stopReasonName(StopReason r) {
  switch (r) {
    case StopReason::kNone: return "none";
    case StopReason::kRecycle: return "recycle";
    case StopReason::kHung: return "hung";
    case StopReason::kLostPipe: return "lost-pipe";
    case StopReason::kResize: return "resize";
    case StopReason::kShutdown: return "shutdown";
  }
  return "?";
}

Supervisor::Supervisor(SupervisorConfig config) : config_(config) {}

Action Supervisor::spawn(int slot, TimePoint now) {
  WorkerId id = nextId_++;
  Worker w;
  w.slot = slot;
  w.started = now;
  workers_.emplace(id, w);
  slots_[static_cast<size_t>(slot)].worker = id;
  slots_[static_cast<size_t>(slot)].respawnAt.reset();
  return Action{Action::Kind::kSpawn, id, slot};
}

Action Supervisor::terminate(WorkerId id, Worker& w, StopReason reason, TimePoint now) {
  w.state = WorkerState::kStopping;
  if (w.reason == StopReason::kNone) w.reason = reason;
  w.killAt = now + config_.stopGrace;
  return Action{Action::Kind::kTerminate, id, w.slot, reason};
}

std::vector<Action> Supervisor::start(TimePoint now) {
  return resize(config_.workers, now);
}

std::vector<Action> Supervisor::resize(int workers, TimePoint now) {
  std::vector<Action> actions;
  config_.workers = std::max(workers, 0);
  if (slots_.size() < static_cast<size_t>(config_.workers)) slots_.resize(static_cast<size_t>(config_.workers));
  for (size_t i = 0; i < slots_.size(); ++i) {
    auto& slot = slots_[i];
    if (static_cast<int>(i) >= config_.workers) {
      slot.respawnAt.reset();
    } else if (!slot.worker && !slot.respawnAt && !shuttingDown_) {
      actions.push_back(spawn(static_cast<int>(i), now));
    }
  }
  for (auto& [id, w] : workers_) {
    if (w.slot >= config_.workers && (w.state == WorkerState::kStarting || w.state == WorkerState::kReady)) {
      w.state = WorkerState::kRetiring;
      stopIfIdle(id, now, actions);
    }
  }
  return actions;
}

void Supervisor::setLimits(uint64_t callLimit, uint64_t rssLimitBytes, int pipeline, Duration pipelineWindow) {
  config_.callLimit = callLimit;
  config_.rssLimitBytes = rssLimitBytes;
  config_.pipeline = pipeline;
  config_.pipelineWindow = pipelineWindow;
}

std::vector<Action> Supervisor::onReady(WorkerId id, TimePoint now) {
  std::vector<Action> actions;
  auto it = workers_.find(id);
  if (it == workers_.end() || it->second.state != WorkerState::kStarting) return actions;
  it->second.state = WorkerState::kReady;
  it->second.ready = now;
  if (recycleSlot_ == it->second.slot) recycleSlot_.reset();  // capacity is back: next recycle
  retireNext(now, actions);
  return actions;
}

namespace {
// One call fewer on the worker: its count and its expected time.
void release(size_t& inFlight, Duration& backlog, Duration expected) {
  if (inFlight > 0) --inFlight;
  backlog = inFlight == 0 ? Duration{0} : std::max(backlog - expected, Duration{0});
}
}  // namespace

void Supervisor::onCallStart(WorkerId id, Duration expected) {
  auto it = workers_.find(id);
  if (it == workers_.end()) return;
  ++it->second.inFlight;
  ++it->second.sent;
  it->second.backlog += expected;
}

void Supervisor::onCallAbandoned(WorkerId id, Duration expected) {
  auto it = workers_.find(id);
  if (it != workers_.end()) release(it->second.inFlight, it->second.backlog, expected);
}

std::vector<Action> Supervisor::onCallDone(WorkerId id, uint64_t served, TimePoint now, Duration expected) {
  std::vector<Action> actions;
  auto it = workers_.find(id);
  if (it == workers_.end()) return actions;
  release(it->second.inFlight, it->second.backlog, expected);
  if (config_.callLimit != 0 && served >= config_.callLimit) it->second.recycle = true;
  stopIfIdle(id, now, actions);
  retireNext(now, actions);
  return actions;
}

std::vector<Action> Supervisor::onRss(WorkerId id, uint64_t bytes, TimePoint now) {
  std::vector<Action> actions;
  auto it = workers_.find(id);
  if (it == workers_.end()) return actions;
  if (config_.rssLimitBytes != 0 && bytes > config_.rssLimitBytes) it->second.recycle = true;
  retireNext(now, actions);
  return actions;
}

std::vector<Action> Supervisor::onHung(WorkerId id, TimePoint now) {
  auto it = workers_.find(id);
  if (it == workers_.end() || it->second.state == WorkerState::kStopping) return {};
  return {terminate(id, it->second, StopReason::kHung, now)};
}

std::vector<Action> Supervisor::onLostPipe(WorkerId id, TimePoint now) {
  auto it = workers_.find(id);
  if (it == workers_.end() || it->second.state == WorkerState::kStopping) return {};
  return {terminate(id, it->second, StopReason::kLostPipe, now)};
}

std::vector<Action> Supervisor::onExit(WorkerId id, TimePoint now) {
  std::vector<Action> actions;
  auto it = workers_.find(id);
  if (it == workers_.end()) return actions;
  Worker w = it->second;
  workers_.erase(it);
  auto& slot = slots_[static_cast<size_t>(w.slot)];
  slot.worker.reset();
  if (recycling_ == id) {
    recycling_.reset();
    recycleSlot_ = w.slot;  // until its replacement is ready
  }
  // Deaths we asked for are not crashes; a lost pipe is the worker's own doing.
  bool asked = w.reason != StopReason::kNone && w.reason != StopReason::kLostPipe;
  bool quick = !asked && now - w.started < config_.crashWindow;
  if (quick) {
    ++crashes_;
  } else if (!asked) {
    crashes_ = 0;
  }
  if (shuttingDown_ || w.slot >= config_.workers) {
    if (recycleSlot_ == w.slot) recycleSlot_.reset();
    return actions;
  }
  ++slot.restarts;
  ++restartsTotal_;
  if (quick && crashes_ >= config_.crashLoopThreshold) {
    int exponent = std::min(crashes_ - config_.crashLoopThreshold, 30);
    Duration backoff = config_.backoffInitial * (int64_t{1} << exponent);
    if (backoff > config_.backoffMax || backoff < config_.backoffInitial) backoff = config_.backoffMax;
    slot.respawnAt = now + backoff;
    Action event{Action::Kind::kCrashLoop, id, w.slot};
    event.crashes = crashes_;
    event.backoff = backoff;
    actions.push_back(event);
  } else {
    actions.push_back(spawn(w.slot, now));
  }
  return actions;
}

std::vector<Action> Supervisor::onTimer(TimePoint now) {
  std::vector<Action> actions;
  for (size_t i = 0; i < slots_.size() && static_cast<int>(i) < config_.workers; ++i) {
    auto& slot = slots_[i];
    if (!shuttingDown_ && !slot.worker && slot.respawnAt && *slot.respawnAt <= now) {
      actions.push_back(spawn(static_cast<int>(i), now));
    }
  }
  for (auto& [id, w] : workers_) {
    if (w.state == WorkerState::kStopping && w.killAt && *w.killAt <= now) {
      w.killAt.reset();  // one KILL; the exit follows
      actions.push_back(Action{Action::Kind::kKill, id, w.slot, w.reason});
    }
  }
  return actions;
}

std::optional<TimePoint> Supervisor::nextWakeup() const {
  std::optional<TimePoint> next;
  auto consider = [&next](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (!shuttingDown_) {
    for (size_t i = 0; i < slots_.size() && static_cast<int>(i) < config_.workers; ++i) {
      if (!slots_[i].worker && slots_[i].respawnAt) consider(*slots_[i].respawnAt);
    }
  }
  for (const auto& [id, w] : workers_) {
    if (w.killAt) consider(*w.killAt);
  }
  return next;
}

void Supervisor::beginShutdown() {
  shuttingDown_ = true;
  for (auto& slot : slots_) slot.respawnAt.reset();
}

std::vector<Action> Supervisor::stopAll(TimePoint now) {
  std::vector<Action> actions;
  for (auto& [id, w] : workers_) {
    if (w.state != WorkerState::kStopping) actions.push_back(terminate(id, w, StopReason::kShutdown, now));
  }
  return actions;
}

void Supervisor::retireNext(TimePoint now, std::vector<Action>& actions) {
  if (shuttingDown_ || recycling_ || recycleSlot_) return;
  for (auto& [id, w] : workers_) {
    if (!w.recycle || w.state != WorkerState::kReady) continue;
    size_t others = 0;
    for (const auto& [otherId, o] : workers_) {
      if (otherId != id && o.state == WorkerState::kReady) ++others;
    }
    if (others == 0 && config_.workers > 1) return;  // wait until another worker is ready
    w.state = WorkerState::kRetiring;
    recycling_ = id;
    stopIfIdle(id, now, actions);
    return;
  }
}

void Supervisor::stopIfIdle(WorkerId id, TimePoint now, std::vector<Action>& actions) {
  auto it = workers_.find(id);
  if (it == workers_.end()) return;
  auto& w = it->second;
  if (w.state != WorkerState::kRetiring || w.inFlight > 0) return;
  actions.push_back(terminate(id, w, w.recycle ? StopReason::kRecycle : StopReason::kResize, now));
}

bool Supervisor::accepts(WorkerId id) const {
  auto it = workers_.find(id);
  return it != workers_.end() && it->second.state == WorkerState::kReady;
}

std::optional<WorkerId> Supervisor::nextWorker() const {
  std::optional<WorkerId> best;
  size_t bestLoad = 0;
  size_t depth = static_cast<size_t>(std::max(config_.pipeline, 1));
  for (const auto& [id, w] : workers_) {
    if (w.state != WorkerState::kReady || w.inFlight >= depth) continue;
    // Busy with calls expected to take the window already: the call waits for a free place.
    if (w.inFlight > 0 && config_.pipelineWindow > Duration{0} && w.backlog >= config_.pipelineWindow) continue;
    // At its call limit it is due for recycling: nothing more is pipelined to it. (An idle one
    // still takes calls while its recycling waits for another ready worker: capacity first.)
    if (config_.callLimit != 0 && w.sent >= config_.callLimit && w.inFlight > 0) continue;
    if (!best || w.inFlight < bestLoad) {
      best = id;
      bestLoad = w.inFlight;
      if (bestLoad == 0) break;  // idle: nothing beats it
    }
  }
  return best;
}

size_t Supervisor::inFlight(WorkerId id) const {
  auto it = workers_.find(id);
  return it == workers_.end() ? 0 : it->second.inFlight;
}

Duration Supervisor::backlog(WorkerId id) const {
  auto it = workers_.find(id);
  return it == workers_.end() ? Duration{0} : it->second.backlog;
}

std::optional<WorkerState> Supervisor::state(WorkerId id) const {
  auto it = workers_.find(id);
  if (it == workers_.end()) return std::nullopt;
  return it->second.state;
}

std::optional<TimePoint> Supervisor::readySince(WorkerId id) const {
  auto it = workers_.find(id);
  if (it == workers_.end()) return std::nullopt;
  return it->second.ready;
}

StopReason Supervisor::stopReason(WorkerId id) const {
  auto it = workers_.find(id);
  return it == workers_.end() ? StopReason::kNone : it->second.reason;
}

int Supervisor::slotOf(WorkerId id) const {
  auto it = workers_.find(id);
  return it == workers_.end() ? -1 : it->second.slot;
}

int Supervisor::restarts(int slot) const {
  if (slot < 0 || static_cast<size_t>(slot) >= slots_.size()) return 0;
  return slots_[static_cast<size_t>(slot)].restarts;
}

size_t Supervisor::readyCount() const {
  return static_cast<size_t>(std::count_if(workers_.begin(), workers_.end(), [](const auto& e) {
    return e.second.state == WorkerState::kReady;
  }));
}

}  // namespace zenhub::hub::pool
