// InvalidationManager's cycles: from a Plan to pushes (invalidation_manager.h).
#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

#include "hub/invalidation/invalidation_manager.h"
#include "hub/invalidation/limiter.h"
#include "services.capnp.h"

namespace zenhub::hub::invalidation {

namespace {
using Clock = std::chrono::steady_clock;
using ConfigClient = schema::ConfigService<>::Client;

int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void InvalidationManager::maybeStartCycle() {
  if (stopped_ || paused_ || cycleRunning_ || !debouncer_.pending()) return;
  auto now = Clock::now();
  if (!debouncer_.due(now)) {
    debounceTimer_.expires_at(*debouncer_.dueAt());
    debounceTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
      if (!ec && *alive) maybeStartCycle();
    });
    return;
  }
  debouncer_.started();
  Plan plan = std::move(pending_);
  pending_ = Plan{};
  runCycle(std::move(plan));
}

void InvalidationManager::runCycle(Plan plan) {
  cycleRunning_ = true;
  cycleStarted_ = Clock::now();
  ++stats_.cycles;
  kj::Vector<kj::Promise<void>> work;
  for (const auto& [key, owned] : services_.instances()) {
    ServiceInstance& inst = *owned;
    if (inst.listeners().empty()) continue;
    if (plan.resync) {
      notifyAll(inst, "resync");
      continue;
    }
    if (!executor_.isConfigService(inst.name())) continue;
    const std::string& monitor = inst.monitor();
    if (plan.collectorsChanged.count(monitor) != 0) work.add(pushPropertyItems(inst));
    if (plan.thresholdCollectors.count(monitor) != 0) work.add(pushThresholdClasses(inst));
    auto devices = plan.devices.find(monitor);
    if (devices == plan.devices.end()) continue;
    std::vector<std::string> updates;
    std::vector<std::string> deletes;
    for (const auto& [device, action] : devices->second) {
      (action == DeviceAction::kUpdate ? updates : deletes).push_back(device);
    }
    // Listeners with the same options get the same configs: computed once per options.
    std::map<ServiceOptions, std::vector<uint64_t>> groups;
    for (const auto& [id, entry] : inst.listeners()) groups[entry.options].push_back(id);
    for (auto& [options, ids] : groups) {
      work.add(pushDevices(inst, options, std::move(ids), updates, deletes, plan.oldestCommitMs));
    }
  }
  tasks_.add(kj::joinPromises(work.releaseAsArray()).then([this]() {
    cycleRunning_ = false;
    double took = std::chrono::duration<double>(Clock::now() - cycleStarted_).count();
    stats_.lastCycleSeconds = took;
    stats_.totalCycleSeconds += took;
    stats_.maxCycleSeconds = std::max(stats_.maxCycleSeconds, took);
    spdlog::debug("event=invalidation_cycle seconds={:.3f}", took);
    if (retry_.empty()) {
      retryDelay_ = 0;
    } else {
      scheduleRetry();
    }
    maybeStartCycle();
  }));
}

kj::Promise<void> InvalidationManager::pushDevices(ServiceInstance& inst, ServiceOptions options,
                                                   std::vector<uint64_t> listeners, std::vector<std::string> updates,
                                                   std::vector<std::string> deletes, int64_t sinceMs) {
  auto sendDeletes = [this, &inst, listeners, sinceMs](const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    for (uint64_t id : listeners) {
      auto* entry = inst.findListener(id);
      if (entry == nullptr) continue;
      auto request = entry->client.deleteDevicesRequest();
      auto list = request.initDeviceIds(static_cast<unsigned>(ids.size()));
      for (unsigned i = 0; i < list.size(); ++i) list.set(i, ids[i]);
      watchPush(inst, id, request.send().ignoreResult(), 0, ids.size(), sinceMs);
    }
  };
  sendDeletes(deletes);
  if (updates.empty()) return kj::READY_NOW;

  ConfigClient service = services_.internalService(inst, options).castAs<schema::ConfigService<>>();
  auto batch = static_cast<size_t>(config_.batchSize);
  kj::Promise<void> chain = kj::READY_NOW;
  for (size_t from = 0; from < updates.size(); from += batch) {
    std::vector<std::string> names(updates.begin() + static_cast<long>(from),
                                   updates.begin() + static_cast<long>(std::min(updates.size(), from + batch)));
    chain = chain.then([this, service, names]() mutable {
      return limiter_->acquire().then([service, names = kj::mv(names)]() mutable {
        auto request = service.getDeviceConfigsRequest();
        auto list = request.initNames(static_cast<unsigned>(names.size()));
        for (unsigned i = 0; i < list.size(); ++i) list.set(i, names[i]);
        return request.send().then([names = kj::mv(names)](auto&& response) mutable {
          return std::make_pair(kj::mv(response), kj::mv(names));
        });
      });
    }).then(
        [this, &inst, listeners, sendDeletes, sinceMs](auto&& pair) {
          limiter_->release();
          auto& [response, asked] = pair;
          auto configs = response.getConfigs();
          std::set<std::string> returned;
          for (auto c : configs) returned.insert(c.getDeviceId());
          if (configs.size() > 0) {
            for (uint64_t id : listeners) {
              auto* entry = inst.findListener(id);
              if (entry == nullptr) continue;
              auto request = entry->client.updateDeviceConfigsRequest();
              request.setConfigs(configs);
              watchPush(inst, id, request.send().ignoreResult(), configs.size(), 0, sinceMs);
            }
          }
          // Asked for and not returned: the device is no longer this service's (excluded now,
          // or not this listener's share): the collector drops it.
          std::vector<std::string> gone;
          for (const auto& n : asked) {
            if (returned.count(n) == 0) gone.push_back(n);
          }
          sendDeletes(gone);
        },
        [this, &inst, names, sinceMs](kj::Exception&& e) {
          limiter_->release();
          ++stats_.computeErrors;
          spdlog::warn("event=invalidation_compute_failed service={} monitor={} devices={} error=\"{}\"; will retry",
                       inst.name(), inst.monitor(), names.size(), e.getDescription().cStr());
          // Nothing is lost: these devices go into a later cycle, after a backoff.
          for (const auto& n : names) retry_.update(inst.monitor(), n);
          retry_.noteCommit(sinceMs);
        });
  }
  return chain;
}

kj::Promise<void> InvalidationManager::pushPropertyItems(ServiceInstance& inst) {
  ServiceOptions options;
  if (!inst.listeners().empty()) options = inst.listeners().begin()->second.options;
  auto service = services_.internalService(inst, options).castAs<schema::ConfigService<>>();
  return service.getConfigPropertiesRequest().send().then(
      [this, &inst](auto&& response) {
        auto items = response.getItems();
        for (uint64_t id : inst.listenerIds()) {
          auto request = inst.findListener(id)->client.setPropertyItemsRequest();
          request.setItems(items);
          watchPush(inst, id, request.send().ignoreResult(), 0, 0, 0);
        }
      },
      [this, &inst](kj::Exception&& e) {
        ++stats_.computeErrors;
        spdlog::warn("event=invalidation_compute_failed service={} monitor={} method=getConfigProperties error=\"{}\"",
                     inst.name(), inst.monitor(), e.getDescription().cStr());
      });
}

kj::Promise<void> InvalidationManager::pushThresholdClasses(ServiceInstance& inst) {
  ServiceOptions options;
  if (!inst.listeners().empty()) options = inst.listeners().begin()->second.options;
  auto service = services_.internalService(inst, options).castAs<schema::ConfigService<>>();
  return service.getThresholdClassesRequest().send().then(
      [this, &inst](auto&& response) {
        auto classes = response.getClasses();
        for (uint64_t id : inst.listenerIds()) {
          auto request = inst.findListener(id)->client.updateThresholdClassesRequest();
          request.setClasses(classes);
          watchPush(inst, id, request.send().ignoreResult(), 0, 0, 0);
        }
      },
      [this, &inst](kj::Exception&& e) {
        ++stats_.computeErrors;
        spdlog::warn("event=invalidation_compute_failed service={} monitor={} method=getThresholdClasses error=\"{}\"",
                     inst.name(), inst.monitor(), e.getDescription().cStr());
      });
}

void InvalidationManager::scheduleRetry() {
  retryDelay_ = retryDelay_ == 0 ? config_.pollInterval : std::min(config_.maxRetryDelay, retryDelay_ * 2);
  spdlog::info("event=invalidation_retry devices={} in_s={:.2f}", retry_.deviceCount(), retryDelay_);
  retryTimer_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(retryDelay_)));
  retryTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    if (retry_.empty()) return;
    // The failed devices are older than whatever arrived since: the later action wins.
    retry_.merge(std::move(pending_));
    pending_ = std::move(retry_);
    retry_ = Plan{};
    debouncer_.arrived(Clock::now());
    maybeStartCycle();
  });
}

void InvalidationManager::notifyAll(ServiceInstance& inst, const char* why) {
  spdlog::info("event=notify_config_changed service={} monitor={} listeners={} reason={}", inst.name(),
               inst.monitor(), inst.listeners().size(), why);
  for (uint64_t id : inst.listenerIds()) {
    auto request = inst.findListener(id)->client.notifyConfigChangedRequest();
    watchPush(inst, id, request.send().ignoreResult(), 0, 0, 0);
  }
}

void InvalidationManager::watchPush(ServiceInstance& inst, uint64_t listener, kj::Promise<void> answered,
                                    uint64_t configs, uint64_t deletes, int64_t sinceMs) {
  auto timeoutMs = static_cast<int64_t>(config_.pushTimeout * 1000);
  auto timeout = port_.timer().afterDelay(timeoutMs * kj::MILLISECONDS).then([timeoutMs]() -> kj::Promise<void> {
    return KJ_EXCEPTION(DISCONNECTED, kj::str("no answer in ", timeoutMs, " ms"));
  });
  tasks_.add(answered.exclusiveJoin(kj::mv(timeout))
                 .then(
                     [this, configs, deletes, sinceMs]() {
                       stats_.configsPushed += configs;
                       stats_.deletesPushed += deletes;
                       if (configs == 0 && deletes == 0) ++stats_.otherPushes;
                       if (sinceMs > 0 && (configs > 0 || deletes > 0)) {
                         double latency = static_cast<double>(std::max<int64_t>(0, wallMs() - sinceMs)) / 1000.0;
                         ++stats_.latencyCount;
                         stats_.latencySumSeconds += latency;
                         stats_.latencyLastSeconds = latency;
                         stats_.latencyMaxSeconds = std::max(stats_.latencyMaxSeconds, latency);
                       }
                     },
                     [this, &inst, listener](kj::Exception&& e) {
                       ++stats_.pushesFailed;
                       dropListener(inst, listener, e.getDescription().cStr());
                     }));
}

void InvalidationManager::dropListener(ServiceInstance& inst, uint64_t listener, const std::string& why) {
  if (!inst.removeListener(listener)) return;
  ++stats_.listenersDropped;
  spdlog::warn("event=listener_removed service={} monitor={} listener={} reason=push_failed error=\"{}\"", inst.name(),
               inst.monitor(), listener, why);
}

}  // namespace zenhub::hub::invalidation
