#include "worker/worker_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "rpc/errors.h"
#include "services/errors.h"
#include "store/errors.h"

namespace zenhub::worker {

CallLine::Place::~Place() {
  if (holdsTurn_) {
    line_->passOn();
  } else {
    line_->leave(*this);
  }
}

kj::Promise<void> CallLine::join(Place& place) {
  if (!taken_) {
    taken_ = true;
    place.holdsTurn_ = true;
    return kj::READY_NOW;
  }
  auto paf = kj::newPromiseAndFulfiller<void>();
  place.fulfiller_ = kj::mv(paf.fulfiller);
  waiting_.push_back(&place);
  return kj::mv(paf.promise);
}

void CallLine::passOn() {
  if (waiting_.empty()) {
    taken_ = false;
    return;
  }
  Place* next = waiting_.front();
  waiting_.pop_front();
  next->holdsTurn_ = true;  // even if it is dropped before it runs: then it passes the turn on
  next->fulfiller_->fulfill();
}

void CallLine::leave(Place& place) {
  auto it = std::find(waiting_.begin(), waiting_.end(), &place);
  if (it != waiting_.end()) waiting_.erase(it);
}

WorkerServer::WorkerServer(CallDispatcher& dispatcher, WorkerStats& stats, std::vector<std::string> services,
                           std::vector<std::string> configServices, pid_t pid, Now now)
    : dispatcher_(dispatcher), stats_(stats), services_(std::move(services)),
      configServices_(std::move(configServices)), pid_(pid), now_(std::move(now)) {}

kj::Promise<void> WorkerServer::hello(HelloContext context) {
  auto results = context.getResults();
  results.setPid(pid_);
  auto names = results.initServices(static_cast<unsigned>(services_.size()));
  for (unsigned i = 0; i < services_.size(); ++i) names.set(i, services_[i]);
  auto configNames = results.initConfigServices(static_cast<unsigned>(configServices_.size()));
  for (unsigned i = 0; i < configServices_.size(); ++i) configNames.set(i, configServices_[i]);
  return kj::READY_NOW;
}

kj::Promise<void> WorkerServer::call(CallContext context) {
  auto place = kj::heap<CallLine::Place>(*line_);
  auto turn = line_->join(*place);
  stats_.setWaiting(line_->waiting());
  return turn.then([this, context]() mutable { return run(context); }).attach(kj::mv(place));
}

kj::Promise<void> WorkerServer::run(CallContext context) {
  auto call = context.getParams().getCall();
  std::string name = std::string(call.getService().cStr()) + "." +
                     (call.hasMethod() ? std::string(call.getMethod().cStr())
                                       : "method#" + std::to_string(call.getMethodId()));
  stats_.setWaiting(line_->waiting());
  stats_.begin(name, now_());
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("call start method={} monitor={}", name, call.getMonitor().cStr());
  }
  return kj::evalNow([&]() {
           try {
             return dispatcher_.dispatch(context);
           } catch (const store::StoreError& e) {
             // The store is down or locked: the collector may retry later (DESIGN.md 11). The
             // message carries the store's redacted URI, never its password.
             throw services::serviceError("unavailable", name + ": the model store cannot be read; retry later (" +
                                                             e.what() + ")");
           }
         })
      .then(
          [this]() { stats_.end(now_(), true); },
          [this, name](kj::Exception&& e) {
            stats_.end(now_(), false);
            spdlog::info("call failed method={} error=\"{}\"", name, e.getDescription().cStr());
            // A service's typed error passes unchanged; anything else (a store that went away,
            // a std::exception KJ caught) is zenhub.internal naming the cause (worker.capnp).
            if (!e.getDescription().startsWith("zenhub.")) {
              kj::throwFatalException(
                  rpc::makeError(rpc::ErrorCode::kInternal, name + ": " + e.getDescription().cStr()));
            }
            kj::throwFatalException(kj::mv(e));
          });
}

}  // namespace zenhub::worker
