// The XML-RPC methods (DESIGN.md section 9, ZenHub's XML-RPC service). Each checks its params,
// gets the typed service from ServiceManager::internalService (getService's checks: an unknown
// monitor is the same typed error a collector gets) and calls it, so the call runs in the
// workers through the same routes, priorities, stats and metrics as a collector's; the answer is
// what the service returned, converted generically (capnp_converter.h).
//   sendEvent(event)                    -> true        EventService.sendEvent
//   sendEvents(events)                  -> count       EventService.sendEvents
//   getDevicePingIssues()               -> [[device, ipAddress, count], ...]
//   getConfigs(monitor, dstype)         -> [device config, ...] of the dstype's config service
//   getPerformanceConfig(monitor)       -> {property: value}  ConfigService.getConfigProperties
//   applyDataMap(device, datamap, relname="", compname="", modname="") -> changed
// Events and modeling go to the service instances of the hub's own monitor.
#pragma once

#include <kj/async.h>

#include <string>
#include <vector>

#include "hub/service_manager.h"
#include "hub/xmlrpc/request_decoder.h"
#include "hub/xmlrpc/value.h"

namespace zenhub::hub::xmlrpc {

class XmlRpcMethods {
 public:
  // `services` must outlive this object (both belong to the hub).
  XmlRpcMethods(ServiceManager& services, std::string hubMonitor);

  // Throws Fault (kMethodNotFound, kInvalidParams) at once for what can be told without a
  // service; the promise rejects with the service's (or the hub's) kj::Exception.
  kj::Promise<Value> call(const MethodCall& call);

 private:
  kj::Promise<Value> sendEvent(const Array& params);
  kj::Promise<Value> sendEvents(const Array& params);
  kj::Promise<Value> getDevicePingIssues(const Array& params);
  kj::Promise<Value> getConfigs(const Array& params);
  kj::Promise<Value> getPerformanceConfig(const Array& params);
  kj::Promise<Value> applyDataMap(const Array& params);

  ServiceManager& services_;
  std::string hubMonitor_;
};

// The text of a service's error for a fault: from its "zenhub.<code>: " marker on when it has
// one ("remote exception: " and the like dropped), else the whole description.
std::string faultText(const kj::Exception& e);

}  // namespace zenhub::hub::xmlrpc
