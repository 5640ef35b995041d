// A store loaded with config/sample-model.yaml, a service registry and a KJ event loop, so that
// tests call the services through their Cap'n Proto capabilities (local clients, no RPC).
#pragma once

#include <gtest/gtest.h>
#include <kj/async.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "services.capnp.h"
#include "services/registry.h"
#include "store/event_store.h"
#include "store/store.h"
#include "test_stores.h"

namespace zenhub::services::testing {

using Options = std::vector<std::pair<std::string, std::string>>;

std::string sampleModelText();

class ServiceFixture {
 public:
  explicit ServiceFixture(store::testing::Backend backend = store::testing::Backend::kSqlite,
                          bool loadSample = true);

  // The typed capability of service `name` for `monitor`.
  template <typename T>
  typename T::Client service(const std::string& name, const std::string& monitor = "localhost",
                             Options options = {}) {
    return registry.make(name, ServiceContext{*store, monitor, std::move(options), events.get()})
        .castAs<T>();
  }

  // Runs `change` in a write transaction and commits it.
  template <typename F>
  std::int64_t change(F&& change) {
    auto txn = store->write();
    change(*txn);
    return txn->commit();
  }

  store::testing::TestStore test;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::EventStore> events;
  ServiceRegistry registry;
  // Held by pointer: their destructors may throw (noexcept(false)), which a gtest fixture's
  // destructor cannot declare.
  std::unique_ptr<kj::EventLoop> loop = std::make_unique<kj::EventLoop>();
  std::unique_ptr<kj::WaitScope> scope = std::make_unique<kj::WaitScope>(*loop);
  kj::WaitScope& waitScope = *scope;
};

// The ids of a list of device configs, in order.
template <typename List>
std::vector<std::string> deviceIds(List configs) {
  std::vector<std::string> out;
  for (auto c : configs) out.emplace_back(c.getDeviceId());
  return out;
}

// The config of `deviceId` in a list; fails the test when absent.
template <typename List>
auto configOf(List configs, const std::string& deviceId) -> decltype(configs[0]) {
  for (auto c : configs) {
    if (c.getDeviceId() == deviceId) return c;
  }
  ADD_FAILURE() << "no config for " << deviceId;
  return configs[0];
}

std::vector<std::string> texts(capnp::List<capnp::Text>::Reader list);

// A request for the configs of `names` (none: all).
template <typename Client>
auto getConfigs(Client&& client, kj::WaitScope& ws, const std::vector<std::string>& names = {}) {
  auto request = client.getDeviceConfigsRequest();
  auto list = request.initNames(static_cast<unsigned>(names.size()));
  for (unsigned i = 0; i < names.size(); ++i) list.set(i, names[i]);
  return request.send().wait(ws);
}

}  // namespace zenhub::services::testing
