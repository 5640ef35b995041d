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
                       rpc::ConnectionContext& connection)
    : instanceId_(std::move(instanceId)), stats_(stats), services_(services), connection_(connection) {}

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
