#include "hub/hub_service.h"

#include <chrono>

namespace zenhub::hub {

namespace {
// Records one call that the hub answered itself (microseconds: no queue, no worker).
class Timed {
 public:
  Timed(CallStats& stats, const char* name)
      : stats_(stats), name_(name), start_(std::chrono::steady_clock::now()) {}
  ~Timed() { stats_.record(name_, std::chrono::steady_clock::now() - start_, true); }

 private:
  CallStats& stats_;
  const char* name_;
  std::chrono::steady_clock::time_point start_;
};
}  // namespace

HubService::HubService(std::string instanceId, CallStats& stats, ServiceManager& services,
                       invalidation::InvalidationManager& invalidations, std::string user,
                       rpc::ConnectionContext& connection)
    : instanceId_(std::move(instanceId)), stats_(stats), services_(services), invalidations_(invalidations),
      user_(std::move(user)), connection_(connection) {}

namespace {
void fillStatus(schema::InvalidationStatus::Builder out, const invalidation::InvalidationStats& s) {
  out.setPaused(s.paused);
  out.setStoreReachable(s.storeReachable);
  out.setCursor(s.cursor);
  out.setCycles(s.cycles);
  out.setConfigsPushed(s.configsPushed);
  out.setDeletesPushed(s.deletesPushed);
  out.setPushesFailed(s.pushesFailed);
  out.setPendingDevices(s.pendingDevices);
  out.setLastCycleSeconds(s.lastCycleSeconds);
  out.setOidsSeen(s.counts.oidsSeen);
  out.setLatencyMaxSeconds(s.latencyMaxSeconds);
}
}  // namespace

kj::Promise<void> HubService::setInvalidationsPaused(SetInvalidationsPausedContext context) {
  Timed timed(stats_, "Hub.setInvalidationsPaused");
  std::string who = (user_.empty() ? std::string("?") : user_) + "@" + connection_.peer();
  bool changed = context.getParams().getPaused() ? invalidations_.pause(who) : invalidations_.resume(who);
  auto results = context.getResults();
  results.setChanged(changed);
  fillStatus(results.initStatus(), invalidations_.stats());
  return kj::READY_NOW;
}

kj::Promise<void> HubService::getInvalidationStatus(GetInvalidationStatusContext context) {
  Timed timed(stats_, "Hub.getInvalidationStatus");
  fillStatus(context.getResults().initStatus(), invalidations_.stats());
  return kj::READY_NOW;
}

kj::Promise<void> HubService::ping(PingContext context) {
  Timed timed(stats_, "Hub.ping");
  context.getResults().setReply("pong");
  return kj::READY_NOW;
}

kj::Promise<void> HubService::getHubInstanceId(GetHubInstanceIdContext context) {
  Timed timed(stats_, "Hub.getHubInstanceId");
  context.getResults().setId(instanceId_);
  return kj::READY_NOW;
}

kj::Promise<void> HubService::getService(GetServiceContext context) {
  auto params = context.getParams();
  std::string name = params.getName();
  std::string monitor = params.getMonitor();
  ServiceOptions options;
  for (auto option : params.getOptions()) options.emplace_back(option.getKey(), option.getValue());
  kj::Maybe<ListenerClient> listener;
  if (params.hasListener()) listener = params.getListener();
  auto started = std::chrono::steady_clock::now();
  return services_.getService(name, monitor, kj::mv(listener), std::move(options), connection_)
      .then(
          [this, context, started](capnp::Capability::Client service) mutable -> kj::Promise<void> {
            stats_.record("Hub.getService", std::chrono::steady_clock::now() - started, true);
            context.getResults().setService(kj::mv(service));
            return kj::READY_NOW;
          },
          [this, started](kj::Exception&& e) -> kj::Promise<void> {
            stats_.record("Hub.getService", std::chrono::steady_clock::now() - started, false);
            return kj::mv(e);
          });
}

}  // namespace zenhub::hub
