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

HubService::HubService(std::string instanceId, CallStats& stats)
    : instanceId_(std::move(instanceId)), stats_(stats) {}

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

}  // namespace zenhub::hub
