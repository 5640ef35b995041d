// WorkerServer: the `Worker` capability this process serves to the hub over its stdin/stdout.
// hello() reports readiness and the service names; call() runs a forwarded call through the
// dispatcher and keeps the stats the SIGUSR2 table shows.
//
// The hub may send several calls before the first is answered (its `worker_pipeline`), so that
// the worker never waits for the hub between two calls. They still run one at a time, in the
// order they arrived: a service gets the worker to itself as in ZenHub, the stats show one
// current call, and the hub's timeout of a call counts from the previous call's answer.
#pragma once

#include <kj/async.h>
#include <kj/refcount.h>
#include <sys/types.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "worker.capnp.h"
#include "worker/call_dispatcher.h"
#include "worker/worker_stats.h"

namespace zenhub::worker {

// Calls waiting for their turn, first come first served. Refcounted: a call's place outlives
// the server when the connection is torn down with calls in it.
class CallLine final : public kj::Refcounted {
 public:
  // A call's place in the line. Dropping it (the call answered, failed or cancelled) passes the
  // turn to the next call if it held it, or just leaves the line.
  class Place {
   public:
    explicit Place(CallLine& line) : line_(kj::addRef(line)) {}
    ~Place();
    KJ_DISALLOW_COPY(Place);

   private:
    friend class CallLine;
    kj::Own<CallLine> line_;
    bool holdsTurn_ = false;
    kj::Own<kj::PromiseFulfiller<void>> fulfiller_;
  };

  // Resolves when it is `place`'s turn (at once when nobody holds it).
  kj::Promise<void> join(Place& place);
  // Calls waiting behind the one that holds the turn.
  size_t waiting() const { return waiting_.size(); }

 private:
  void passOn();
  void leave(Place& place);

  bool taken_ = false;
  std::deque<Place*> waiting_;
};

class WorkerServer final : public schema::Worker::Server {
 public:
  using Now = std::function<WorkerStats::Clock::time_point()>;

  // `dispatcher` and `stats` must outlive the server (the worker's main owns all three).
  // `configServices` is the part of `services` that implements ConfigService.
  WorkerServer(CallDispatcher& dispatcher, WorkerStats& stats, std::vector<std::string> services,
               std::vector<std::string> configServices, pid_t pid, Now now = WorkerStats::Clock::now);

 protected:
  kj::Promise<void> hello(HelloContext context) override;
  kj::Promise<void> call(CallContext context) override;

 private:
  // Runs one call (its turn has come).
  kj::Promise<void> run(CallContext context);

  CallDispatcher& dispatcher_;
  WorkerStats& stats_;
  std::vector<std::string> services_;
  std::vector<std::string> configServices_;
  pid_t pid_;
  Now now_;
  kj::Own<CallLine> line_ = kj::refcounted<CallLine>();
};

}  // namespace zenhub::worker
