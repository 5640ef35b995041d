// WorkerServer: the `Worker` capability this process serves to the hub over its stdin/stdout.
// hello() reports readiness and the service names; call() runs a forwarded call through the
// dispatcher and keeps the stats the SIGUSR2 table shows.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "worker.capnp.h"
#include "worker/call_dispatcher.h"
#include "worker/worker_stats.h"

namespace zenhub::worker {

class WorkerServer final : public schema::Worker::Server {
 public:
  using Now = std::function<WorkerStats::Clock::time_point()>;

  // `dispatcher` and `stats` must outlive the server (the worker's main owns all three).
  WorkerServer(CallDispatcher& dispatcher, WorkerStats& stats, std::vector<std::string> services,
               pid_t pid, Now now = WorkerStats::Clock::now);

 protected:
  kj::Promise<void> hello(HelloContext context) override;
  kj::Promise<void> call(CallContext context) override;

 private:
  CallDispatcher& dispatcher_;
  WorkerStats& stats_;
  std::vector<std::string> services_;
  pid_t pid_;
  Now now_;
};

}  // namespace zenhub::worker
