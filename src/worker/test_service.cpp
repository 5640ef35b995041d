#include "worker/test_service.h"

#include <unistd.h>

#include <cstdlib>

#include "rpc/errors.h"

namespace zenhub::worker {

kj::Promise<void> TestService::echo(EchoContext context) {
  context.getResults().setText(context.getParams().getText());
  return kj::READY_NOW;
}

kj::Promise<void> TestService::sleep(SleepContext context) {
  return timer_.afterDelay(context.getParams().getMs() * kj::MILLISECONDS);
}

kj::Promise<void> TestService::crash(CrashContext context) {
  std::abort();  // dies mid-call, without an answer, as a crashing service would
}

kj::Promise<void> TestService::pid(PidContext context) {
  context.getResults().setPid(::getpid());
  return kj::READY_NOW;
}

std::vector<std::string> TestServiceSource::names() const {
  std::vector<std::string> all = inner_ ? inner_->names() : std::vector<std::string>{};
  all.push_back("TestService");
  return all;
}

std::vector<std::string> TestServiceSource::configServices() const {
  return inner_ ? inner_->configServices() : std::vector<std::string>{};  // TestService is not one
}

capnp::Capability::Client TestServiceSource::make(const std::string& service, const std::string& monitor,
                                                  const ServiceOptions& options) {
  if (service == "TestService") return kj::heap<TestService>(timer_);
  if (inner_) return inner_->make(service, monitor, options);
  kj::throwFatalException(rpc::makeError(rpc::ErrorCode::kUnknownService, "no service '" + service + "'"));
}

}  // namespace zenhub::worker
