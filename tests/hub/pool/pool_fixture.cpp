#include "pool_fixture.h"

#include <capnp/schema.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>

namespace zenhub::hub::pool::testing {

ForwardingService::DispatchCallResult ForwardingService::dispatchCall(
    uint64_t interfaceId, uint16_t methodId, capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) {
  ServiceCallInfo info;
  info.service = service_;
  info.monitor = monitor_;
  info.interfaceId = interfaceId;
  info.methodId = methodId;
  auto methods = schema_.getMethods();
  info.method = methodId < methods.size() ? std::string(methods[methodId].getProto().getName().cStr())
                                          : "method#" + std::to_string(methodId);
  return {executor_.execute(info, context), false};
}

PoolFixture::PoolFixture() : logStream_(std::make_shared<std::ostringstream>()) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*logStream_);
  auto logger = std::make_shared<spdlog::logger>("pool-test", sink);
  logger->set_pattern("%l %v");
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

PoolFixture::~PoolFixture() {
  pool_.reset();  // kills and reaps whatever is left
  port_.drainKj();
  if (HasFailure()) std::cerr << "---- pool log ----\n" << log() << "------------------\n";
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("null"));
}

PoolConfig PoolFixture::testConfig(int workers) {
  PoolConfig c;
  c.pools = {{"default", workers}};
  c.routes = {{{"*", "*"}, {"default", {}}}};
  c.callTimeout = 5000ms;
  c.stopGrace = 1s;
  c.signalMinAge = 200ms;
  c.backoffInitial = 50ms;
  c.backoffMax = 400ms;
  return c;
}

void PoolFixture::startPool(PoolConfig config, std::vector<std::string> extraArgs) {
  WorkerCommand command{ZENHUB_WORKER_BIN, {"--test-services", "--hub-pid", std::to_string(::getpid())}};
  for (auto& a : extraArgs) command.args.push_back(a);
  PoolEvents events;
  events.onSpawn = [this](const std::string&, const std::string&, int pid) {
    spawned_.push_back(pid);
    maxLive_ = std::max(maxLive_, pool_->liveWorkers());
  };
  events.onReady = [this](const std::string&, const std::string&, int pid) { readied_.push_back(pid); };
  events.onExit = [this](const std::string&, const std::string&, int pid, int) { exited_.push_back(pid); };
  events.onCrashLoop = [this](const std::string&, int crashes, Duration backoff) {
    crashLoops_.emplace_back(crashes, backoff);
  };
  pool_ = std::make_unique<WorkerPool>(io_, port_, std::move(config), command, launcher_, clock_, events);
  pool_->start();
}

bool PoolFixture::runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= 0s) return done();
    io_.run_one_for(std::min<std::chrono::steady_clock::duration>(left, 50ms));
    if (io_.stopped()) io_.restart();
  }
  return true;
}

schema::TestService::Client PoolFixture::testService() {
  capnp::Capability::Client cap = kj::heap<ForwardingService>(*pool_, "TestService", "localhost");
  return cap.castAs<schema::TestService>();
}

bool PoolFixture::pidGone(int pid) const { return ::kill(pid, 0) != 0 && errno == ESRCH; }

std::string PoolFixture::log() const { return logStream_->str(); }

size_t PoolFixture::countInLog(const std::string& text) const {
  auto s = log();
  size_t n = 0;
  for (auto at = s.find(text); at != std::string::npos; at = s.find(text, at + text.size())) ++n;
  return n;
}

}  // namespace zenhub::hub::pool::testing
