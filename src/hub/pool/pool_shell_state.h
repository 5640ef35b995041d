// The state PoolShell keeps per call and per worker, shared by its two source files
// (pool_shell.cpp: calls; pool_shell_workers.cpp: workers, drain, stats). Private to the pool.
#pragma once

#include <spdlog/spdlog.h>

#include "hub/pool/log_forwarder.h"
#include "hub/pool/pool_shell.h"
#include "hub/pool/worker_link.h"

namespace zenhub::hub::pool {

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


}  // namespace zenhub::hub::pool
