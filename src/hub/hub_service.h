// The `Hub` capability a collector gets after logging in (one per connection). Calls the hub
// answers itself: ping and getHubInstanceId; service lookups are added with the service manager.
#pragma once

#include <string>

#include "hub.capnp.h"
#include "hub/call_stats.h"

namespace zenhub::hub {

class HubService final : public schema::Hub::Server {
 public:
  // `stats` belongs to the hub and outlives every connection.
  HubService(std::string instanceId, CallStats& stats);

  kj::Promise<void> ping(PingContext context) override;
  kj::Promise<void> getHubInstanceId(GetHubInstanceIdContext context) override;

 private:
  std::string instanceId_;
  CallStats& stats_;
};

}  // namespace zenhub::hub
