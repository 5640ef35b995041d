// PoolFixture: a WorkerPool on a test-owned io_context + AsioEventPort, with real zenhubworker
// children (started with --test-services), a TestService client whose calls go through the
// pool exactly as the hub's service capabilities do, and the pool's log captured. Waiting is on
// the loop with a deadline, never a sleep.
#pragma once

#include <gtest/gtest.h>
#include <kj/async.h>
#include <kj/debug.h>
#include <capnp/schema.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "hub/pool/clock.h"
#include "hub/pool/process_launcher.h"
#include "hub/pool/worker_pool.h"
#include "rpc/event_port.h"
#include "worker.capnp.h"

namespace zenhub::hub::pool::testing {

using namespace std::chrono_literals;

// A service capability like the hub's: forwards every call, undecoded, to a CallExecutor.
class ForwardingService final : public capnp::Capability::Server {
 public:
  // `schema` names the methods (for routes, priorities and stats), as the hub's schemas do.
  ForwardingService(CallExecutor& executor, std::string service, std::string monitor,
                    capnp::InterfaceSchema schema = capnp::Schema::from<schema::TestService>())
      : executor_(executor), service_(std::move(service)), monitor_(std::move(monitor)), schema_(schema) {}
  DispatchCallResult dispatchCall(uint64_t interfaceId, uint16_t methodId,
                                  capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) override;

 private:
  CallExecutor& executor_;
  std::string service_;
  std::string monitor_;
  capnp::InterfaceSchema schema_;
};

class PoolFixture : public ::testing::Test {
 protected:
  PoolFixture();
  ~PoolFixture() override;

  // A config for tests: one pool "default" with `workers`, short grace, quick SIGUSR2 age.
  static PoolConfig testConfig(int workers);
  void startPool(PoolConfig config, std::vector<std::string> extraArgs = {});

  // Runs the loop until `done()` or the deadline; returns done().
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s);
  // Runs the loop until the promise settles; returns the exception, if any.
  template <typename T>
  kj::Maybe<kj::Exception> settle(kj::Promise<T>& promise, std::chrono::milliseconds timeout = 10s);

  schema::TestService::Client testService();
  bool pidGone(int pid) const;
  std::string log() const;
  size_t countInLog(const std::string& text) const;

  boost::asio::io_context io_;
  // Held by pointer: gtest fixtures need a noexcept destructor, the port's is not.
  std::unique_ptr<rpc::AsioEventPort> portHolder_ = std::make_unique<rpc::AsioEventPort>(io_);
  rpc::AsioEventPort& port_ = *portHolder_;
  SteadyClock clock_;
  BoostProcessLauncher launcher_{io_};
  std::unique_ptr<WorkerPool> pool_;

  // What the pool's events said.
  std::vector<int> spawned_;
  std::vector<int> readied_;
  std::vector<int> exited_;
  std::vector<std::pair<int, Duration>> crashLoops_;
  size_t maxLive_ = 0;

 private:
  std::shared_ptr<std::ostringstream> logStream_;
  std::shared_ptr<void> previousLogger_;
};

template <typename T>
kj::Maybe<kj::Exception> PoolFixture::settle(kj::Promise<T>& promise, std::chrono::milliseconds timeout) {
  bool settled = false;
  kj::Maybe<kj::Exception> error;
  auto watch = promise.then([&](auto&&...) { settled = true; },
                            [&](kj::Exception&& e) {
                              error = kj::mv(e);
                              settled = true;
                            })
                   .eagerlyEvaluate(nullptr);
  if (!runUntil([&]() { return settled; }, timeout)) {
    ADD_FAILURE() << "call did not settle in time";
  }
  return error;
}

}  // namespace zenhub::hub::pool::testing
