// The `Hub` capability a collector gets after logging in (one per connection). Calls the hub
// answers itself (ping, getHubInstanceId) and service lookups (getService, via the ServiceManager).
#pragma once

#include <string>

#include "hub.capnp.h"
#include "hub/call_stats.h"
#include "hub/invalidation/invalidation_manager.h"
#include "hub/service_manager.h"
#include "rpc/rpc_listener.h"

namespace zenhub::hub {

class HubService final : public schema::Hub::Server {
 public:
  // `stats` and `services` belong to the hub and outlive every connection; `connection` is the
  // one this capability was handed out on (it owns the RPC system that owns this object).
  HubService(std::string instanceId, CallStats& stats, ServiceManager& services,
             invalidation::InvalidationManager& invalidations, std::string user, rpc::ConnectionContext& connection);

  kj::Promise<void> ping(PingContext context) override;
  kj::Promise<void> getHubInstanceId(GetHubInstanceIdContext context) override;
  kj::Promise<void> getService(GetServiceContext context) override;
  kj::Promise<void> setInvalidationsPaused(SetInvalidationsPausedContext context) override;
  kj::Promise<void> getInvalidationStatus(GetInvalidationStatusContext context) override;

 private:
  std::string instanceId_;
  CallStats& stats_;
  ServiceManager& services_;
  invalidation::InvalidationManager& invalidations_;
  std::string user_;
  rpc::ConnectionContext& connection_;
};

}  // namespace zenhub::hub
