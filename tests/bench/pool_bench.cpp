// The pool's scenarios on their own io_context + AsioEventPort (no hub binary): calls/s by
// pipeline depth (part of `throughput`), and respawn.
//
// The respawn scenario: a one-worker pool (so the call can only be answered by the replacement)
// on its own io_context + AsioEventPort; kill -9 the worker and time until a call sent at the
// same moment is answered. Baseline: a bare start of a zenhubworker (fork, exec, hello over its
// pipes) with the same launcher, the floor any respawn pays. Target: median <= 0.5 s.
#include <capnp/schema.h>
#include <kj/async.h>
#include <kj/vector.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

#include "hub/pool/clock.h"
#include "hub/pool/process_launcher.h"
#include "hub/pool/worker_link.h"
#include "hub/pool/worker_pool.h"
#include "rpc/event_port.h"
#include "scenarios.h"
#include "worker.capnp.h"

namespace zenhub::bench {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace pool = zenhub::hub::pool;

// The hub's service capability, reduced: forwards TestService calls to the pool undecoded.
class Forwarder final : public capnp::Capability::Server {
 public:
  explicit Forwarder(hub::CallExecutor& executor) : executor_(executor) {}
  DispatchCallResult dispatchCall(uint64_t interfaceId, uint16_t methodId,
                                  capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) override {
    hub::ServiceCallInfo info;
    info.service = "TestService";
    info.monitor = "bench";
    info.interfaceId = interfaceId;
    info.methodId = methodId;
    info.method = capnp::Schema::from<schema::TestService>().getMethods()[methodId].getProto().getName();
    return {executor_.execute(info, context), false};
  }

 private:
  hub::CallExecutor& executor_;
};

bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done, Clock::duration timeout) {
  auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    io.run_one_for(std::min<Clock::duration>(deadline - Clock::now(), 50ms));
    if (io.stopped()) io.restart();
  }
  return true;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// One bare worker start: launch, then hello over its pipes.
double bareStart(boost::asio::io_context& io, pool::ProcessLauncher& launcher, const pool::WorkerCommand& command) {
  bool exited = false;
  auto start = Clock::now();
  auto process = launcher.launch(command, [&exited](int) { exited = true; });
  pool::WorkerLink link(process->takeStdout(), process->takeStdin());
  bool ready = false;
  auto hello = link.worker().helloRequest().send().then([&ready](auto&&) { ready = true; }).eagerlyEvaluate(nullptr);
  if (!runUntil(io, [&]() { return ready; }, 10s)) throw std::runtime_error("bare worker did not say hello");
  double took = seconds(Clock::now() - start);
  process->signal(SIGKILL);
  if (!runUntil(io, [&]() { return exited; }, 10s)) throw std::runtime_error("bare worker was not reaped");
  return took;
}

// Calls/s of TestService.echo through a one-worker pool with `pipeline` calls per worker, on
// this process's loop: `inFlight` calls kept outstanding for `duration`. Two processes (this one
// and the worker), so on two cores the hub<->worker round trip, not CPU, is what depth 1 pays.
double pipelineRate(boost::asio::io_context& io, rpc::AsioEventPort& port, pool::ProcessLauncher& launcher,
                    const pool::WorkerCommand& command, int pipeline, Clock::duration duration) {
  pool::SteadyClock clock;
  pool::PoolConfig config;
  config.pools = {{"default", 1}};
  config.routes = {{{"*", "*"}, {"default", {}}}};
  config.pipeline = pipeline;
  config.callLimit = 0;  // no recycling in the middle of a measurement
  int readies = 0;
  pool::PoolEvents events;
  events.onReady = [&readies](const std::string&, const std::string&, int) { ++readies; };
  pool::WorkerPool workers(io, port, config, command, launcher, clock, events);
  workers.start();
  if (!runUntil(io, [&]() { return readies == 1; }, 10s)) throw std::runtime_error("the pool did not start");
  capnp::Capability::Client cap = kj::heap<Forwarder>(workers);
  struct Driver {
    schema::TestService::Client service;
    Clock::time_point until;
    uint64_t calls = 0;
    kj::Promise<void> next() {
      if (Clock::now() >= until) return kj::READY_NOW;
      auto request = service.echoRequest();
      request.setText("x");
      return request.send().then([this](auto&&) {
        ++calls;
        return next();
      });
    }
  } driver{cap.castAs<schema::TestService>(), Clock::now() + duration};
  auto start = Clock::now();
  kj::Vector<kj::Promise<void>> loops;
  for (int i = 0; i < 64; ++i) loops.add(driver.next());
  bool done = false;
  auto all = kj::joinPromises(loops.releaseAsArray()).then([&done]() { done = true; }).eagerlyEvaluate(nullptr);
  if (!runUntil(io, [&]() { return done; }, duration + 10s)) throw std::runtime_error("the calls did not finish");
  double rate = static_cast<double>(driver.calls) / seconds(Clock::now() - start);
  bool drained = false;
  workers.drain(2s, [&drained]() { drained = true; });
  runUntil(io, [&]() { return drained; }, 10s);
  return rate;
}

}  // namespace

void reportPoolPipeline(const Options& options) {
  auto previousLevel = spdlog::get_level();
  spdlog::set_level(spdlog::level::err);
  ::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;
  auto port = std::make_unique<rpc::AsioEventPort>(io);
  pool::BoostProcessLauncher launcher(io);
  pool::WorkerCommand command{options.binDir + "/zenhubworker",
                              {"--test-services", "--hub-pid", std::to_string(::getpid()), "--log-level", "warn"}};
  auto duration = std::chrono::milliseconds(options.quick ? 200 : 1000);
  std::map<int, std::vector<double>> rates;
  for (int r = 0; r < options.repetitions; ++r) {
    for (int depth : {1, 2, 4, 8, 16}) rates[depth].push_back(pipelineRate(io, *port, launcher, command, depth, duration));
  }
  port->drainKj();
  spdlog::set_level(previousLevel);
  Json json;
  json.set("scenario", "throughput")
      .set("metric", "TestService.echo calls/s through a one-worker pool on this process's loop, 64 in flight, "
                     "by worker_pipeline");
  for (auto& [depth, values] : rates) json.set("pipeline_" + std::to_string(depth), median(values));
  json.set("repetitions", options.repetitions).print();
}

int runRespawn(const Options& options) {
  // The pool logs every start and exit; the measurement wants only the JSON on stdout.
  auto previousLevel = spdlog::get_level();
  spdlog::set_level(spdlog::level::err);
  ::signal(SIGPIPE, SIG_IGN);
  int reps = options.quick ? 3 : std::max(options.repetitions, 7);

  boost::asio::io_context io;
  auto port = std::make_unique<rpc::AsioEventPort>(io);
  pool::SteadyClock clock;
  pool::BoostProcessLauncher launcher(io);
  pool::WorkerCommand command{options.binDir + "/zenhubworker",
                              {"--test-services", "--hub-pid", std::to_string(::getpid()), "--log-level", "warn"}};

  std::vector<double> baseline;
  for (int i = 0; i < reps; ++i) baseline.push_back(bareStart(io, launcher, command));

  pool::PoolConfig config;
  config.pools = {{"default", 1}};
  config.routes = {{{"*", "*"}, {"default", {}}}};
  config.crashWindow = 0s;  // these deaths are the benchmark's, not a crash loop
  int readies = 0;
  pool::PoolEvents events;
  events.onReady = [&readies](const std::string&, const std::string&, int) { ++readies; };
  std::vector<double> respawn;
  {
    pool::WorkerPool workers(io, *port, config, command, launcher, clock, events);
    workers.start();
    if (!runUntil(io, [&]() { return readies == 1; }, 10s)) throw std::runtime_error("the pool did not start");
    capnp::Capability::Client cap = kj::heap<Forwarder>(workers);
    auto service = cap.castAs<schema::TestService>();
    for (int i = 0; i < reps; ++i) {
      int pid = workers.stats().workers.at(0).pid;
      int before = readies;
      auto start = Clock::now();
      ::kill(pid, SIGKILL);
      bool answered = false;
      auto call = service.pidRequest().send().then([&answered](auto&&) { answered = true; }).eagerlyEvaluate(nullptr);
      if (!runUntil(io, [&]() { return answered && readies > before; }, 10s)) {
        throw std::runtime_error("the replacement did not answer");
      }
      respawn.push_back(seconds(Clock::now() - start));
    }
    bool drained = false;
    workers.drain(2s, [&drained]() { drained = true; });
    runUntil(io, [&]() { return drained; }, 10s);
  }
  port->drainKj();
  spdlog::set_level(previousLevel);

  double m = median(respawn);
  double b = median(baseline);
  Json()
      .set("scenario", "respawn")
      .set("metric", "seconds from kill -9 of a worker to its replacement answering a call")
      .set("respawn_median", m)
      .set("respawn_max", percentile(respawn, 100))
      .set("baseline", "bare zenhubworker start: fork, exec, hello over its pipes")
      .set("baseline_median", b)
      .set("ratio", b > 0 ? m / b : 0.0)
      .set("target", "<= 0.5 s")
      .set("pass", m <= 0.5)
      .set("repetitions", reps)
      .print();
  return 0;
}

}  // namespace zenhub::bench
