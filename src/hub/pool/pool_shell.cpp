#include "hub/pool/pool_shell.h"
#include "hub/pool/pool_shell_state.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "hub/pool/log_forwarder.h"
#include "hub/pool/worker_link.h"
#include "rpc/errors.h"

namespace zenhub::hub::pool {

namespace {

// The size of a Worker.call request forwarding `params`: without a hint Cap'n Proto gives every
// message an 8 KiB first segment, allocated and zeroed for a call of a few hundred bytes.
capnp::MessageSize callSize(const ServiceCallInfo& info, capnp::AnyPointer::Reader params) {
  auto words = [](const std::string& text) { return (text.size() + 8) / 8; };  // with its NUL
  auto size = params.targetSize();
  size.wordCount += 16 + words(info.service) + words(info.monitor) + words(info.method);
  for (const auto& [key, value] : info.options) size.wordCount += 3 + words(key) + words(value);
  return size;
}

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
      worklist_(config.queueLimit), wakeup_(io), deadlineTimer_(io), rssSampler_(io) {}

PoolShell::~PoolShell() {
  *alive_ = false;
  // Destroyed without a drain (a test, or the hub dying): do not leave processes behind. This
  // is the one place that reaps outside the exit handler, and it runs only when no exit handler
  // can run any more.
  for (auto& [id, record] : records_) {
    record->canceler.cancel("pool destroyed");
    if (!record->process) continue;
    record->process->signal(SIGKILL);
    ::waitpid(record->process->pid(), nullptr, 0);
  }
  deadlineTimer_.cancel();
  for (auto& [id, call] : calls_) {
    call->answer.cancel("pool destroyed");
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
  auto call = std::make_shared<Call>(context, methods_.entry(info.service, info.method));
  call->id = nextCall_++;
  call->info = info;
  call->priority = priority;
  call->timeout = timeout;
  call->queued = clock_.now();
  auto paf = kj::newPromiseAndFulfiller<void>();
  call->fulfiller = kj::mv(paf.fulfiller);
  calls_.emplace(call->id, call);
  worklist_.push(call->id, call->priority);
  dispatch();
  // Only a call that has to wait needs its queue deadline (most go straight to a worker).
  if (call->state == Call::State::kQueued) noteDeadline(call->queued + call->timeout);
  // The caller may drop its promise (its connection went): forget a queued call; a running one
  // finishes on its worker but its results are not copied into the dead context.
  return paf.promise.attach(kj::defer([this, alive = alive_, call]() {
    if (!*alive || call->state == Call::State::kDone) return;
    call->cancelled = true;
    if (call->state == Call::State::kQueued) {
      worklist_.remove(call->id);
      call->state = Call::State::kDone;
      calls_.erase(call->id);
    }
  }));
}

void PoolShell::requeue(const std::shared_ptr<Call>& call) {
  call->state = Call::State::kQueued;
  call->queued = clock_.now();
  worklist_.pushFront(call->id, call->priority);
  noteDeadline(call->queued + call->timeout);
}

void PoolShell::noteDeadline(TimePoint deadline) {
  if (deadlineArmed_ && *deadlineArmed_ <= deadline) return;  // fires before it anyway: the usual case
  deadlineArmed_ = deadline;
  deadlineTimer_.expires_at(deadline);
  deadlineTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec == boost::asio::error::operation_aborted) return;
    port_.fromAsio([this]() { sweepDeadlines(); });
  });
}

void PoolShell::sweepDeadlines() {
  deadlineArmed_.reset();
  auto now = clock_.now();
  std::vector<std::shared_ptr<Call>> due;
  std::optional<TimePoint> next;
  for (const auto& [id, call] : calls_) {
    auto deadline = call->deadline();
    if (!deadline) continue;
    if (*deadline <= now) {
      due.push_back(call);
    } else if (!next || *deadline < *next) {
      next = deadline;
    }
  }
  for (const auto& call : due) {
    // An earlier one's handling may have moved this one (requeued, finished): look again.
    auto deadline = call->deadline();
    if (!deadline) continue;
    if (*deadline > now) {
      noteDeadline(*deadline);
      continue;
    }
    if (call->state == Call::State::kQueued) {
      worklist_.remove(call->id);
      ++counters_.timeouts;
      finish(call, rpc::makeError(rpc::ErrorCode::kTimeout, call->name + " waited " +
                                                                std::to_string(call->timeout.count()) +
                                                                " ms for a worker in pool " + name_));
    } else if (auto worker = call->worker) {
      onOutcome(call, *worker, call->attempt, Outcome{Outcome::Kind::kTimeout});
    }
  }
  if (next) noteDeadline(*next);
  if (!due.empty()) {
    dispatch();
    if (onChange_) onChange_();
  }
}

void PoolShell::dispatch() {
  if (dispatching_) return;  // a finish() inside the loop re-enters through onChange
  dispatching_ = true;
  while (!worklist_.empty()) {
    auto next = policy_.nextWorker();
    if (!next) break;
    auto record = records_.find(*next);
    if (record == records_.end() || !record->second->link) {  // ready implies both
      spdlog::error("event=pool_bug pool={} worker_id={} error=\"ready worker without a link\"", name_, *next);
      break;
    }
    auto id = worklist_.pop();
    auto it = calls_.find(*id);
    if (it == calls_.end()) continue;
    auto call = it->second;  // a copy: startCall may not outlive the map entry otherwise
    startCall(*record->second, call);
  }
  dispatching_ = false;
}

void PoolShell::startCall(Record& record, const std::shared_ptr<Call>& call) {
  auto now = clock_.now();
  call->state = Call::State::kSent;
  call->worker = record.id;
  call->sent = now;
  call->started.reset();
  uint64_t attempt = ++call->attempt;
  if (record.calls.empty()) record.idleBefore = record.lastEnd ? now - *record.lastEnd : now - record.spawned;
  record.calls.push_back(call);
  // A method not seen yet is taken to be slow: nothing is pipelined behind its first call.
  call->expected = call->stat.count > 0 ? Duration(call->stat.average()) : policy_.config().pipelineWindow;
  policy_.onCallStart(record.id, call->expected);

  auto request = record.link->worker().callRequest(callSize(call->info, call->context.getParams()));
  auto sc = request.initCall();
  sc.setService(call->info.service);
  sc.setMonitor(call->info.monitor);
  sc.setMethod(call->info.method);
  sc.setInterfaceId(call->info.interfaceId);
  sc.setMethodId(call->info.methodId);
  if (!call->info.options.empty()) {
    auto options = sc.initOptions(static_cast<unsigned>(call->info.options.size()));
    for (unsigned i = 0; i < options.size(); ++i) {
      options[i].setKey(call->info.options[i].first);
      options[i].setValue(call->info.options[i].second);
    }
  }
  sc.getParams().set(call->context.getParams());

  auto answer = request.send().then(
      [call](capnp::Response<schema::Worker::CallResults>&& response) {
        if (!call->cancelled) {
          auto results = response.getResults();
          call->context.getResults(results.targetSize()).set(results);
        }
        return Outcome{Outcome::Kind::kOk};
      },
      [call](kj::Exception&& e) {
        auto kind = lostWorker(e) ? Outcome::Kind::kLost : Outcome::Kind::kServiceError;
        call->error = kj::mv(e);
        return Outcome{kind};
      });
  WorkerId worker = record.id;
  tasks_.add(call->answer.wrap(kj::mv(answer))
                 .then([this, call, worker, attempt](Outcome&& outcome) {
                   onOutcome(call, worker, attempt, kj::mv(outcome));
                 },
                 [](kj::Exception&&) {}));  // cancelled: whoever cancelled handled the call
  if (record.calls.size() == 1) runFront(record, now);
}

void PoolShell::runFront(Record& record, TimePoint now) {
  if (record.calls.empty()) return;
  const auto& call = record.calls.front();
  if (call->started) return;
  call->started = now;
  ++call->runs;
  noteDeadline(now + call->timeout);
}

void PoolShell::onOutcome(const std::shared_ptr<Call>& call, WorkerId worker, uint64_t attempt,
                          Outcome&& outcome) {
  if (call->attempt != attempt || call->worker != worker || call->state != Call::State::kSent) return;
  auto now = clock_.now();
  auto elapsed = std::chrono::duration_cast<Nanos>(now - call->started.value_or(call->sent));
  // Whichever of the answer and the timeout came second is moot (the timeout: the call is no
  // longer kSent on this worker when the sweep looks).
  call->answer.cancel("settled");
  call->worker.reset();
  auto it = records_.find(worker);
  Record* record = it == records_.end() ? nullptr : it->second.get();
  if (outcome.kind == Outcome::Kind::kLost) {
    spdlog::warn("event=worker_lost_mid_call pool={} worker={} method={} in_flight={}", name_,
                 record ? record->name : "?", call->name, record ? record->calls.size() : 1);
    if (record) {
      orphanCalls(*record);  // this call and every other one it had, in their order
      apply(policy_.onLostPipe(worker, now));
    } else {
      retryOrFail(call);
    }
    dispatch();
    if (onChange_) onChange_();
    return;
  }
  if (record) {
    auto& line = record->calls;
    auto at = std::find(line.begin(), line.end(), call);
    if (at != line.end()) line.erase(at);
    record->lastCall = call->name;
    record->lastDuration = elapsed;
    record->lastEnd = now;
  }
  switch (outcome.kind) {
    case Outcome::Kind::kOk:
      MethodStatsTable::record(call->stat, elapsed, true);
      finish(call, nullptr);
      break;
    case Outcome::Kind::kServiceError:
      MethodStatsTable::record(call->stat, elapsed, false);
      {
        auto error = kj::mv(KJ_ASSERT_NONNULL(call->error));
        call->error = nullptr;
        finish(call, unwrapRemote(kj::mv(error)));
      }
      break;
    case Outcome::Kind::kTimeout:
      MethodStatsTable::record(call->stat, elapsed, false);
      ++counters_.timeouts;
      spdlog::warn("event=call_timeout pool={} worker={} method={} timeout_ms={} waiting_behind={}; stopping the worker",
                   name_, record ? record->name : "?", call->name, call->timeout.count(),
                   record ? record->calls.size() : 0);
      finish(call, rpc::makeError(rpc::ErrorCode::kTimeout, call->name + " ran longer than " +
                                                                 std::to_string(call->timeout.count()) + " ms"));
      if (record) {
        apply(policy_.onHung(worker, now));
        orphanCalls(*record);  // not at fault: they go to another worker
      }
      break;
    case Outcome::Kind::kLost:
      break;  // handled above
  }
  if (record) {
    ++record->served;
    apply(policy_.onCallDone(worker, record->served, now, call->expected));
    runFront(*record, now);  // the next in line starts now (nothing when it was stopped)
  }
  dispatch();
  if (onChange_) onChange_();
}

void PoolShell::orphanCalls(Record& record) {
  auto line = std::move(record.calls);
  record.calls.clear();
  // Back to the front of their queues in reverse, so that they keep their order.
  for (auto it = line.rbegin(); it != line.rend(); ++it) {
    auto call = *it;
    call->answer.cancel("worker gone");
    call->worker.reset();
    policy_.onCallAbandoned(record.id, call->expected);
    retryOrFail(call);
  }
}

void PoolShell::retryOrFail(const std::shared_ptr<Call>& call) {
  if (draining_) {
    ++counters_.rejectedShutdown;
    finish(call, rpc::makeError(rpc::ErrorCode::kShutdown, "the hub is shutting down"));
    return;
  }
  if (call->runs > retries_) {
    finish(call, rpc::makeError(rpc::ErrorCode::kInternal,
                                call->name + ": the worker died running it, " + std::to_string(call->runs) +
                                    " attempts"));
    return;
  }
  ++counters_.retries;
  if (call->cancelled) {  // nobody waits for it any more
    finish(call, nullptr);
    return;
  }
  requeue(call);
}

void PoolShell::finish(std::shared_ptr<Call> call, kj::Maybe<kj::Exception> error) {
  call->state = Call::State::kDone;
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
  for (const auto& [id, record] : records_) n += record->calls.size();
  return n;
}


}  // namespace zenhub::hub::pool
