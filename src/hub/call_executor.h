// The execution layer behind every service capability the hub hands out: the hub forwards each
// collector call here without decoding it, and the worker pool (src/hub/pool) runs it in a
// zenhubworker process.
#pragma once

#include <capnp/any.h>
#include <capnp/capability.h>
#include <kj/async.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zenhub::hub {

using ServiceOptions = std::vector<std::pair<std::string, std::string>>;

// What the hub knows of a forwarded call: names for routing, priorities and stats; ids and the
// untouched params for the worker.
struct ServiceCallInfo {
  std::string service;   // the name given to getService, e.g. "PingConfig"
  std::string monitor;
  std::string method;    // e.g. "getDeviceConfigs" (from the schema; "method#<id>" if unknown)
  uint64_t interfaceId = 0;
  uint16_t methodId = 0;
  ServiceOptions options;
  // "PingConfig:getDeviceConfigs", the key routes and priorities match.
  std::string routeKey() const { return service + ":" + method; }
};

class CallExecutor {
 public:
  virtual ~CallExecutor() = default;

  // Runs the call: params from `context.getParams()`, results into `context.getResults()`. The
  // promise rejects with the service's own error, or a typed zenhub error (busy, timeout,
  // shutdown, internal).
  virtual kj::Promise<void> execute(const ServiceCallInfo& call,
                                    capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) = 0;

  // True when the workers can run service `name` (built-in or plugin).
  virtual bool knowsService(std::string_view name) const = 0;

  // True when service `name` implements ConfigService (its workers said so in their hello).
  virtual bool isConfigService(std::string_view name) const = 0;
};

}  // namespace zenhub::hub
