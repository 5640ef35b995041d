#include "worker/worker_server.h"

#include <spdlog/spdlog.h>

namespace zenhub::worker {

WorkerServer::WorkerServer(CallDispatcher& dispatcher, WorkerStats& stats,
                           std::vector<std::string> services, pid_t pid, Now now)
    : dispatcher_(dispatcher), stats_(stats), services_(std::move(services)), pid_(pid),
      now_(std::move(now)) {}

kj::Promise<void> WorkerServer::hello(HelloContext context) {
  auto results = context.getResults();
  results.setPid(pid_);
  auto names = results.initServices(static_cast<unsigned>(services_.size()));
  for (unsigned i = 0; i < services_.size(); ++i) names.set(i, services_[i]);
  return kj::READY_NOW;
}

kj::Promise<void> WorkerServer::call(CallContext context) {
  auto call = context.getParams().getCall();
  std::string name = std::string(call.getService().cStr()) + "." +
                     (call.hasMethod() ? std::string(call.getMethod().cStr())
                                       : "method#" + std::to_string(call.getMethodId()));
  stats_.begin(name, now_());
  spdlog::debug("call start method={} monitor={}", name, call.getMonitor().cStr());
  return kj::evalNow([&]() { return dispatcher_.dispatch(call, context.getResults().getResults()); })
      .then(
          [this]() { stats_.end(now_(), true); },
          [this, name](kj::Exception&& e) {
            stats_.end(now_(), false);
            spdlog::info("call failed method={} error=\"{}\"", name, e.getDescription().cStr());
            kj::throwFatalException(kj::mv(e));
          });
}

}  // namespace zenhub::worker
