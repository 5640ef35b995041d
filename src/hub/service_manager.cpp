#include "hub/service_manager.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "hub/method_names.h"
#include "rpc/errors.h"

namespace zenhub::hub {

namespace {

// How many events a successful EventService call carried: one for sendEvent, the answered count
// for sendEvents (events are counted, not batches as ZenHub did).
uint64_t eventsIn(const std::string& method, capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer>& context) {
  if (method == "sendEvent") return 1;
  if (method != "sendEvents") return 0;
  try {
    return context.getResults().getAs<schema::EventService::SendEventsResults>().getCount();
  } catch (const kj::Exception&) {
    return 0;
  }
}

// The capability a collector gets from getService: forwards every call to the executor with the
// instance's names and the caller's options. One per getService call (options are per
// listener); the instance behind it is shared.
class ForwardingService final : public capnp::Capability::Server {
 public:
  ForwardingService(ServiceInstance& instance, ServiceOptions options, CallExecutor& executor, CallStats& stats,
                    CallMetrics* metrics, std::shared_ptr<bool> managerAlive)
      : instance_(instance), options_(std::move(options)), executor_(executor), stats_(stats), metrics_(metrics),
        managerAlive_(std::move(managerAlive)) {}

  DispatchCallResult dispatchCall(uint64_t interfaceId, uint16_t methodId,
                                  capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) override {
    if (!*managerAlive_) return {rpc::makeError(rpc::ErrorCode::kShutdown, "hub shutting down"), false};
    ServiceCallInfo call;
    call.service = instance_.name();
    call.monitor = instance_.monitor();
    call.method = methodName(interfaceId, methodId);
    call.interfaceId = interfaceId;
    call.methodId = methodId;
    call.options = options_;
    ++instance_.calls;
    auto started = std::chrono::steady_clock::now();
    std::string statName = call.service + "." + call.method;
    auto alive = managerAlive_;
    auto promise = executor_.execute(call, context).then(
        [this, alive, statName, started, method = call.method, context]() mutable -> kj::Promise<void> {
          if (!*alive) return kj::READY_NOW;
          auto elapsed = std::chrono::steady_clock::now() - started;
          stats_.record(statName, elapsed, true);
          if (metrics_ != nullptr) {
            metrics_->record(instance_.name(), method, true, elapsed);
            if (instance_.name() == "EventService") metrics_->eventsReceived += eventsIn(method, context);
          }
          return kj::READY_NOW;
        },
        [this, alive, statName, started, method = call.method](kj::Exception&& e) -> kj::Promise<void> {
          if (!*alive) return kj::mv(e);
          auto elapsed = std::chrono::steady_clock::now() - started;
          stats_.record(statName, elapsed, false);
          if (metrics_ != nullptr) metrics_->record(instance_.name(), method, false, elapsed);
          return kj::mv(e);
        });
    return {kj::mv(promise), false};
  }

 private:
  ServiceInstance& instance_;
  ServiceOptions options_;
  CallExecutor& executor_;
  CallStats& stats_;
  CallMetrics* metrics_;
  std::shared_ptr<bool> managerAlive_;  // the instance, executor and stats belong to the hub
};

}  // namespace

uint64_t ServiceInstance::addListener(ListenerEntry entry) {
  entry.id = nextListener_++;
  uint64_t id = entry.id;
  listeners_.emplace(id, std::move(entry));
  return id;
}

ServiceManager::ServiceManager(CallExecutor& executor, MonitorDirectory& monitors, CallStats& stats,
                               CallMetrics* metrics)
    : executor_(executor), monitors_(monitors), stats_(stats), metrics_(metrics) {}

ServiceInstance* ServiceManager::find(const std::string& name, const std::string& monitor) {
  auto it = instances_.find({name, monitor});
  return it == instances_.end() ? nullptr : it->second.get();
}

ServiceInstance& ServiceManager::instance(const std::string& name, const std::string& monitor) {
  auto& slot = instances_[{name, monitor}];
  if (!slot) {
    slot = std::make_unique<ServiceInstance>(name, monitor);
    spdlog::info("event=service_instance_created service={} monitor={}", name, monitor);
  }
  return *slot;
}

capnp::Capability::Client ServiceManager::internalService(ServiceInstance& inst, ServiceOptions options) {
  return kj::heap<ForwardingService>(inst, std::move(options), executor_, stats_, metrics_, alive_);
}

size_t ServiceManager::listenerCount() const {
  size_t n = 0;
  for (const auto& [key, inst] : instances_) n += inst->listeners().size();
  return n;
}

kj::Promise<ServiceInstance*> ServiceManager::resolve(const std::string& name, const std::string& monitor) {
  if (!executor_.knowsService(name)) {
    return rpc::makeError(rpc::ErrorCode::kUnknownService, "Unknown service: '" + name + "'");
  }
  auto alive = alive_;
  return monitors_.exists(monitor).then(
      [this, alive, name, monitor](bool found) -> kj::Promise<ServiceInstance*> {
        if (!*alive) return rpc::makeError(rpc::ErrorCode::kShutdown, "hub shutting down");
        if (!found) {
          return rpc::makeError(rpc::ErrorCode::kUnknownMonitor, "Unknown performance monitor: '" + monitor + "'");
        }
        return &instance(name, monitor);
      },
      [](kj::Exception&& e) -> kj::Promise<ServiceInstance*> {
        return rpc::makeError(rpc::ErrorCode::kInternal,
                              std::string("cannot read the model: ") + e.getDescription().cStr());
      });
}

kj::Promise<capnp::Capability::Client> ServiceManager::internalService(const std::string& name,
                                                                       const std::string& monitor,
                                                                       ServiceOptions options) {
  return resolve(name, monitor).then(
      [this, alive = alive_, options = std::move(options)](
          ServiceInstance* inst) mutable -> kj::Promise<capnp::Capability::Client> {
        if (!*alive) return rpc::makeError(rpc::ErrorCode::kShutdown, "hub shutting down");
        return internalService(*inst, std::move(options));
      });
}

kj::Promise<capnp::Capability::Client> ServiceManager::getService(const std::string& name, const std::string& monitor,
                                                                   kj::Maybe<ListenerClient> listener,
                                                                   ServiceOptions options,
                                                                   rpc::ConnectionContext& connection) {
  auto alive = alive_;
  return resolve(name, monitor).then(
      [this, alive, name, monitor, listener = kj::mv(listener), options = std::move(options),
       &connection](ServiceInstance* found) mutable -> kj::Promise<capnp::Capability::Client> {
        if (!*alive) return rpc::makeError(rpc::ErrorCode::kShutdown, "hub shutting down");
        auto& inst = *found;
        KJ_IF_MAYBE(client, listener) {
          ListenerEntry entry;
          entry.connectionId = connection.id();
          entry.peer = connection.peer();
          entry.client = kj::mv(*client);
          entry.options = options;
          uint64_t id = inst.addListener(kj::mv(entry));
          spdlog::info("event=listener_added service={} monitor={} connection={} listeners={}", name, monitor,
                       connection.id(), inst.listeners().size());
          // The listener goes with its connection.
          connection.onClose([this, alive, name, monitor, id, connectionId = connection.id()]() {
            if (!*alive) return;
            if (auto* owner = find(name, monitor); owner != nullptr && owner->removeListener(id)) {
              spdlog::info("event=listener_removed service={} monitor={} connection={} reason=disconnected", name,
                           monitor, connectionId);
            }
          });
        }
        capnp::Capability::Client cap = kj::heap<ForwardingService>(inst, std::move(options), executor_, stats_, metrics_, alive);
        return cap;
      });
}

}  // namespace zenhub::hub
