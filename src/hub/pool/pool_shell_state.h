// The state PoolShell keeps per call and per worker, shared by its two source files
// (pool_shell.cpp: calls; pool_shell_workers.cpp: workers, drain, stats). Private to the pool.
#pragma once

#include <spdlog/spdlog.h>

#include <deque>
#include <optional>

#include "hub/pool/log_forwarder.h"
#include "hub/pool/pool_shell.h"
#include "hub/pool/worker_link.h"

namespace zenhub::hub::pool {

struct PoolShell::Call {
  // kSent: on a worker, running there or waiting behind the calls sent to it before.
  enum class State { kQueued, kSent, kDone };
  MethodStat& stat;          // its method's statistics, recorded into when it ends
  const std::string& name;   // "Service.method" (the statistics' name)
  CallId id = 0;
  ServiceCallInfo info;
  Priority priority = Priority::kOther;
  std::chrono::milliseconds timeout{0};
  Context context;
  kj::Own<kj::PromiseFulfiller<void>> fulfiller;
  State state = State::kQueued;
  bool cancelled = false;  // the caller dropped its promise: never touch `context` again
  uint64_t attempt = 0;    // sends to a worker; tells a stale answer or timer from the current one
  // Times it started running on a worker (reached the front of its line). Only these count
  // toward the retry limit: a call lost while waiting behind another was not at fault.
  int runs = 0;
  std::optional<WorkerId> worker;
  TimePoint queued{};                // put in the queue (again): a queued call's timeout counts from here
  TimePoint sent{};                  // to its worker
  std::optional<TimePoint> started;  // running there: its timeout counts from here
  Duration expected{0};              // how long it should take on its worker (Supervisor's window)
  kj::Maybe<kj::Exception> error;    // the last attempt's, when it failed
  kj::Canceler answer;    // the worker's answer to the current attempt

  Call(Context ctx, MethodStat& s) : stat(s), name(s.name), context(ctx) {}
  // When it times out: queued, or running on its worker; nullopt while it waits behind another
  // call on its worker, or is done.
  std::optional<TimePoint> deadline() const {
    if (state == State::kQueued) return queued + timeout;
    if (state == State::kSent && started) return *started + timeout;
    return std::nullopt;
  }
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
  // The calls sent to this worker, oldest first. The worker runs them one at a time in this
  // order: the front one is running, the others wait behind it (at most `pipeline` in all).
  std::deque<std::shared_ptr<Call>> calls;
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


}  // namespace zenhub::hub::pool
