// Supervisor: the worker supervisor's policy for one pool, a plain state machine without
// processes or timers. The shell tells it what happened (a worker started, became ready, served
// a call, hung, lost its pipe, exited; the time passed) and executes the actions it returns.
//
// The rules it keeps (DESIGN.md section 6):
// - One worker per slot, `workers` slots: the pool never runs more than `workers` processes.
// - Exactly one respawn path, onExit(): a slot's next process starts only after the previous one
//   has been reaped, only while the shutdown flag is unset, and only for slots still wanted.
//   start() and a grown resize() fill empty slots; nothing else spawns.
// - A worker that dies within `crashWindow` of starting, without being asked to, counts toward
//   a crash loop; from `crashLoopThreshold` such deaths in a row each respawn waits an
//   exponentially growing backoff (capped at `backoffMax`) and raises a kCrashLoop action.
// - Stopping is TERM, then KILL after `stopGrace` if the process is still there.
// - Recycling (call limit, RSS limit) is rolling: one worker at a time, and only while another
//   worker is ready, so capacity never drops to zero (a one-worker pool recycles when idle).
// - A lost pipe (EOF) stops the worker but spawns nothing: its exit will.
// - Which worker gets the next call (nextWorker()): an idle ready worker first; only when none
//   is idle, the least loaded ready worker with fewer than `pipeline` calls in flight (the worker
//   runs them one at a time, in order; the pipeline hides the hub<->worker round trip) whose
//   calls are expected to take less than `pipelineWindow` in all (each call's expected time is
//   given by the shell: its method's average so far). So fast calls pipeline deep and a call is
//   never queued behind slow ones on a worker while it could wait for the first free worker.
//   Nothing is pipelined to a worker that has been sent its call limit.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace zenhub::hub::pool {

using WorkerId = uint64_t;
using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

struct SupervisorConfig {
  int workers = 2;
  Duration crashWindow = std::chrono::seconds(10);
  int crashLoopThreshold = 2;
  Duration backoffInitial = std::chrono::seconds(1);
  Duration backoffMax = std::chrono::seconds(60);
  Duration stopGrace = std::chrono::seconds(5);
  uint64_t callLimit = 0;      // recycle after this many calls; 0 = never
  uint64_t rssLimitBytes = 0;  // recycle above this resident size; 0 = never
  int pipeline = 1;            // calls in flight on one worker at most (1: one at a time)
  // A busy worker gets another call only while the calls on it are expected to take less than
  // this in all; 0 = no bound but `pipeline`.
  Duration pipelineWindow{0};
};

enum class WorkerState {
  kStarting,  // spawned, hello() not answered yet
  kReady,     // takes calls
  kRetiring,  // to be recycled or removed: finishes its calls, takes no new one
  kStopping,  // TERM sent (KILL follows after the grace)
};
const char* workerStateName(WorkerState s);

enum class StopReason { kNone, kRecycle, kHung, kLostPipe, kResize, kShutdown };
const char* stopReasonName(StopReason r);

struct Action {
  enum class Kind {
    kSpawn,      // start a process for `worker` in `slot`
    kTerminate,  // send SIGTERM to `worker`
    kKill,       // send SIGKILL to `worker`
    kCrashLoop,  // raise an event: `crashes` quick deaths in a row, next spawn after `backoff`
  };
  Kind kind;
  WorkerId worker = 0;
  int slot = 0;
  StopReason reason = StopReason::kNone;
  int crashes = 0;
  Duration backoff{0};
};

class Supervisor {
 public:
  explicit Supervisor(SupervisorConfig config);

  // Fills every slot. Call once.
  std::vector<Action> start(TimePoint now);
  // Ready: takes calls; the next due recycle may go now that capacity is back.
  std::vector<Action> onReady(WorkerId id, TimePoint now);
  // A call was sent to the worker (it is in flight there until onCallDone or onCallAbandoned);
  // `expected` is how long it should take (the same value goes back to onCallDone or
  // onCallAbandoned).
  void onCallStart(WorkerId id, Duration expected = Duration{0});
  // A call the worker answered (or that timed out on it). `served` counts every call the worker
  // has run.
  std::vector<Action> onCallDone(WorkerId id, uint64_t served, TimePoint now, Duration expected = Duration{0});
  // A call taken back from the worker without an answer (its worker was lost or is being
  // stopped; the call goes back to the queue).
  void onCallAbandoned(WorkerId id, Duration expected = Duration{0});
  // The dispatch rule: the worker that gets the next queued call, or nullopt when every worker
  // is full (or none is ready). An idle worker first (the lowest id among them); otherwise the
  // ready worker with the fewest calls in flight, if that is below `pipeline` and their
  // expected time is below `pipelineWindow` (when set).
  std::optional<WorkerId> nextWorker() const;
  std::vector<Action> onRss(WorkerId id, uint64_t bytes, TimePoint now);
  // A call outlived its timeout: the worker is stopped (and replaced when it exits).
  std::vector<Action> onHung(WorkerId id, TimePoint now);
  // Its pipe closed: stop it if it is not already stopping; spawn nothing.
  std::vector<Action> onLostPipe(WorkerId id, TimePoint now);
  // The process is gone (reaped). The one respawn path.
  std::vector<Action> onExit(WorkerId id, TimePoint now);
  // Due backoff respawns and KILLs after the grace.
  std::vector<Action> onTimer(TimePoint now);
  std::optional<TimePoint> nextWakeup() const;

  // Sets the shutdown flag: from now on nothing spawns. Stops no one (drain lets in-flight
  // calls finish first).
  void beginShutdown();
  // TERM to every worker not already stopping.
  std::vector<Action> stopAll(TimePoint now);
  // A new worker count (reload): fills new slots; extra workers retire when idle.
  std::vector<Action> resize(int workers, TimePoint now);
  void setLimits(uint64_t callLimit, uint64_t rssLimitBytes, int pipeline, Duration pipelineWindow);

  // True when the worker may be given calls (ready, not retiring).
  bool accepts(WorkerId id) const;
  // Calls sent to the worker and not yet answered or taken back.
  size_t inFlight(WorkerId id) const;
  // Their expected time, in all.
  Duration backlog(WorkerId id) const;
  std::optional<WorkerState> state(WorkerId id) const;
  std::optional<TimePoint> readySince(WorkerId id) const;
  // Why we are stopping it; kNone when we are not (or it went by itself).
  StopReason stopReason(WorkerId id) const;
  int slotOf(WorkerId id) const;
  int restarts(int slot) const;
  // Every restart since the pool began, whatever became of the slot (a counter: never goes down).
  uint64_t restartsTotal() const { return restartsTotal_; }
  size_t live() const { return workers_.size(); }
  size_t readyCount() const;
  bool shuttingDown() const { return shuttingDown_; }
  int consecutiveCrashes() const { return crashes_; }
  const SupervisorConfig& config() const { return config_; }

 private:
  struct Worker {
    int slot = 0;
    WorkerState state = WorkerState::kStarting;
    StopReason reason = StopReason::kNone;  // why we stopped it (kNone: it died by itself)
    TimePoint started;
    std::optional<TimePoint> ready;
    std::optional<TimePoint> killAt;
    size_t inFlight = 0;  // calls sent and not answered
    Duration backlog{0};  // their expected time, in all
    uint64_t sent = 0;    // every call ever sent to it (the call limit bounds it)
    bool recycle = false;
  };
  struct Slot {
    std::optional<WorkerId> worker;
    std::optional<TimePoint> respawnAt;
    int restarts = 0;
  };

  Action spawn(int slot, TimePoint now);
  Action terminate(WorkerId id, Worker& w, StopReason reason, TimePoint now);
  // Picks the next worker to recycle when none is being recycled and capacity allows.
  void retireNext(TimePoint now, std::vector<Action>& actions);
  // A retiring worker with no call in flight goes.
  void stopIfIdle(WorkerId id, TimePoint now, std::vector<Action>& actions);

  SupervisorConfig config_;
  std::map<WorkerId, Worker> workers_;
  std::vector<Slot> slots_;
  uint64_t restartsTotal_ = 0;
  WorkerId nextId_ = 1;
  bool shuttingDown_ = false;
  int crashes_ = 0;  // quick deaths in a row
  // The worker being recycled, then its replacement's slot until that one is ready.
  std::optional<WorkerId> recycling_;
  std::optional<int> recycleSlot_;
};

}  // namespace zenhub::hub::pool
