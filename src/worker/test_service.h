// Test-only fault hooks. TestService (worker.capnp) lets integration tests make a worker answer,
// hang or die in the middle of a call; TestServiceSource adds it to another source. The worker
// serves it only when started with --test-services, which only tests pass.
#pragma once

#include <kj/timer.h>

#include <memory>

#include "worker.capnp.h"
#include "worker/service_source.h"

namespace zenhub::worker {

class TestService final : public schema::TestService::Server {
 public:
  // `timer` must outlive the service.
  explicit TestService(kj::Timer& timer) : timer_(timer) {}

 protected:
  kj::Promise<void> echo(EchoContext context) override;
  kj::Promise<void> sleep(SleepContext context) override;
  kj::Promise<void> crash(CrashContext context) override;
  kj::Promise<void> pid(PidContext context) override;

 private:
  kj::Timer& timer_;
};

// `inner` (may be null: test services only) serves every other name.
class TestServiceSource final : public ServiceSource {
 public:
  TestServiceSource(std::unique_ptr<ServiceSource> inner, kj::Timer& timer)
      : inner_(std::move(inner)), timer_(timer) {}
  std::vector<std::string> names() const override;
  std::vector<std::string> configServices() const override;
  capnp::Capability::Client make(const std::string& service, const std::string& monitor,
                                 const ServiceOptions& options) override;

 private:
  std::unique_ptr<ServiceSource> inner_;
  kj::Timer& timer_;
};

}  // namespace zenhub::worker
