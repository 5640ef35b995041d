// Service instances, one per (service name, monitor), shared by every collector of that monitor
// and never evicted (as in ZenHub), with the listeners collectors registered on them. getService
// checks the name (known to the workers) and the monitor (exists in the store, asked off the
// loop), and hands out a capability that forwards every call, undecoded, to the CallExecutor.
// A listener stays registered until its connection goes (or, later, a push to it fails).
#pragma once

#include <capnp/capability.h>
#include <kj/async.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/call_executor.h"
#include "hub/call_metrics.h"
#include "hub/call_stats.h"
#include "hub/monitor_directory.h"
#include "rpc/rpc_listener.h"
#include "services.capnp.h"

namespace zenhub::hub {

using ListenerClient = schema::ServiceListener<>::Client;

struct ListenerEntry {
  uint64_t id = 0;
  uint64_t connectionId = 0;
  std::string peer;
  ListenerClient client = nullptr;
  ServiceOptions options;
};

class ServiceInstance {
 public:
  ServiceInstance(std::string name, std::string monitor) : name_(std::move(name)), monitor_(std::move(monitor)) {}
  const std::string& name() const { return name_; }
  const std::string& monitor() const { return monitor_; }
  const std::map<uint64_t, ListenerEntry>& listeners() const { return listeners_; }
  uint64_t addListener(ListenerEntry entry);
  bool removeListener(uint64_t id) { return listeners_.erase(id) != 0; }
  // nullptr when it has gone (its connection closed, or a push to it failed).
  ListenerEntry* findListener(uint64_t id) {
    auto it = listeners_.find(id);
    return it == listeners_.end() ? nullptr : &it->second;
  }
  std::vector<uint64_t> listenerIds() const {
    std::vector<uint64_t> ids;
    for (const auto& [id, entry] : listeners_) ids.push_back(id);
    return ids;
  }
  uint64_t calls = 0;

 private:
  std::string name_;
  std::string monitor_;
  uint64_t nextListener_ = 1;
  std::map<uint64_t, ListenerEntry> listeners_;
};

class ServiceManager {
 public:
  // All references must outlive the manager (they belong to the hub).
  ServiceManager(CallExecutor& executor, MonitorDirectory& monitors, CallStats& stats,
                 CallMetrics* metrics = nullptr);
  ~ServiceManager() { *alive_ = false; }

  // Resolves to the service capability, or rejects with zenhub.unknownService /
  // zenhub.unknownMonitor (or zenhub.internal when the store cannot be read).
  kj::Promise<capnp::Capability::Client> getService(const std::string& name, const std::string& monitor,
                                                    kj::Maybe<ListenerClient> listener, ServiceOptions options,
                                                    rpc::ConnectionContext& connection);

  const std::map<std::pair<std::string, std::string>, std::unique_ptr<ServiceInstance>>& instances() const {
    return instances_;
  }
  ServiceInstance* find(const std::string& name, const std::string& monitor);
  // A capability that runs calls on `inst` exactly as a collector's would (routes, priorities,
  // stats), with `options` as that collector's: the hub's own calls (invalidations compute the
  // configs they push through it).
  capnp::Capability::Client internalService(ServiceInstance& inst, ServiceOptions options);
  // The same checks as getService (zenhub.unknownService, zenhub.unknownMonitor, zenhub.internal),
  // without a listener, then internalService() of that instance: for the hub's own front ends that
  // call services on a client's behalf (XML-RPC).
  kj::Promise<capnp::Capability::Client> internalService(const std::string& name, const std::string& monitor,
                                                         ServiceOptions options = {});
  size_t listenerCount() const;

 private:
  ServiceInstance& instance(const std::string& name, const std::string& monitor);
  // getService's checks: resolves to the (created if new) instance, or rejects with the typed error.
  kj::Promise<ServiceInstance*> resolve(const std::string& name, const std::string& monitor);

  CallExecutor& executor_;
  MonitorDirectory& monitors_;
  CallStats& stats_;
  CallMetrics* metrics_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<ServiceInstance>> instances_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub
