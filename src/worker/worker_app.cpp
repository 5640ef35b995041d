#include "worker/worker_app.h"

#include <capnp/rpc-twoparty.h>
#include <fcntl.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <exception>

#include "rpc/coalescing_stream.h"
#include "worker/call_dispatcher.h"
#include "worker/registry_source.h"
#include "worker/stdio_stream.h"
#include "worker/test_service.h"
#include "worker/worker_server.h"
#include "worker/worker_stats.h"

namespace zenhub::worker {

namespace {

// The hub reads stdout as the RPC stream: keep the pipes on private descriptors and point fd 1
// at stderr, so a stray print from a library or plugin becomes a log line, not a corrupt message.
struct RpcPipes {
  int in = -1;
  int out = -1;
};

RpcPipes takeStdio() {
  RpcPipes pipes{::fcntl(0, F_DUPFD_CLOEXEC, 3), ::fcntl(1, F_DUPFD_CLOEXEC, 3)};
  if (pipes.in < 0 || pipes.out < 0) throw std::runtime_error("cannot duplicate stdin/stdout");
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::close(devnull);
  }
  ::dup2(2, 1);
  return pipes;
}

// Dies with the hub. The parent may already have gone between fork and prctl: then getppid()
// is no longer the hub.
void dieWithParent(pid_t hubPid) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  pid_t parent = ::getppid();
  if ((hubPid != 0 && parent != hubPid) || parent == 1) {
    spdlog::error("worker exiting: the hub (pid {}) is already gone", hubPid);
    ::_exit(1);
  }
}

void setupLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_st("zenhubworker");
  // The hub adds its own prefix (time, worker id); the line is the message alone.
  logger->set_pattern("%l %v");
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

kj::Promise<void> logTableOnSigusr2(kj::UnixEventPort& port, WorkerStats& stats) {
  return port.onSignal(SIGUSR2).then([&port, &stats](siginfo_t&&) {
    auto lines = stats.table(WorkerStats::Clock::now(), std::chrono::system_clock::now());
    spdlog::info("worker stats pid={} served={}", ::getpid(), stats.callsServed());
    for (const auto& line : lines) spdlog::info("  {}", line);
    return logTableOnSigusr2(port, stats);
  });
}

}  // namespace

int runWorker(const WorkerOptions& options) {
  setupLogging(options.logLevel);
  dieWithParent(options.hubPid);
  RpcPipes pipes;
  try {
    pipes = takeStdio();
  } catch (const std::exception& e) {
    spdlog::error("worker setup failed: {}", e.what());
    return 1;
  }
  // Blocked (and so harmless) from here on; the loop below logs the table.
  kj::UnixEventPort::captureSignal(SIGUSR2);
  auto io = kj::setupAsyncIo();

  // Declared before the source: every service instance goes before the connections it uses.
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::EventStore> events;
  std::unique_ptr<ServiceSource> source;
  try {
    if (!options.store.empty()) {
      store = store::openStore(options.store);
      try {
        events = store::openEventStore(options.store);
      } catch (const std::exception& e) {
        spdlog::warn("no event store ({}): EventService will refuse to start", e.what());
      }
      source = makeRegistrySource(*store, events.get(), options.pluginDir);
      if (!source) spdlog::warn("this build has no services registry: no built-in services");
    }
    if (options.testServices) source = std::make_unique<TestServiceSource>(std::move(source), io.provider->getTimer());
    if (!source) throw std::runtime_error("no services: give --store (or --test-services)");
  } catch (const kj::Exception& e) {
    spdlog::error("worker setup failed: {}", e.getDescription().cStr());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("worker setup failed: {}", e.what());
    return 1;
  }
  if (options.testFailStart) {
    spdlog::error("worker exiting before ready (--test-fail-start)");
    return 3;
  }

  WorkerStats stats;
  CallDispatcher dispatcher(*source);
  auto names = source->names();
  StdioStream stream(io.lowLevelProvider->wrapInputFd(pipes.in, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP),
                     io.lowLevelProvider->wrapOutputFd(pipes.out, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP));
  // The answers to the calls of one read go back in one write, as the hub's side does (with 16
  // calls pipelined per worker, a write per answer was one syscall and one hub wake-up each).
  rpc::CoalescingStream coalesced(stream);
  // The pipe is private to the hub and this worker: allow large results (a full config set).
  capnp::ReaderOptions reader;
  reader.traversalLimitInWords = 1ull << 30;
  capnp::TwoPartyVatNetwork network(coalesced, capnp::rpc::twoparty::Side::SERVER, reader);
  auto rpc = capnp::makeRpcServer(
      network, kj::heap<WorkerServer>(dispatcher, stats, names, source->configServices(), ::getpid()));
  auto usr2 = logTableOnSigusr2(io.unixEventPort, stats).eagerlyEvaluate([](kj::Exception&& e) {
    spdlog::error("SIGUSR2 handler failed: {}", e.getDescription().cStr());
  });
  spdlog::info("worker ready pid={} services={}", ::getpid(), names.size());
  network.onDisconnect().wait(io.waitScope);
  spdlog::info("worker exiting: the hub closed the pipe");
  return 0;
}

}  // namespace zenhub::worker
