// Scenario `throughput`: ping calls/s through the hub's RPC front end (the real zenhub binary:
// asio loop, KJ-on-asio port, login, connection limits) against a plain capnp::EzRpcServer
// serving the same interface, driven by the same client in the same run; then the same for a
// service call forwarded through the hub to 2 workers; and the CPU each process spent per
// pipelined call (what bounds calls/s on a 2-core machine). The sequential round trips are the
// `latency` scenario (latency_bench.cpp).
#include <stdexcept>

#include "baseline_process.h"
#include "hub_process.h"
#include "ping_load.h"
#include "process_cpu.h"
#include "scenarios.h"

namespace zenhub::bench {

namespace {
const char* kEcho = "capnp::EzRpcServer ping, same client";
}

int runThroughput(const Options& options) {
  testing::HubProcess hub;
  hub.start({"--log-level", "warn", "--workers", "2"});
  if (!hub.waitReady()) throw std::runtime_error("zenhub did not become ready:\n" + hub.log());
  BaselineProcess baseline(options, options.workDir + "/baseline.port");

  auto duration = std::chrono::milliseconds(options.quick ? 300 : 2000);
  std::vector<double> hubPipelined, basePipelined, svcPipelined;
  CpuMeter baseCpu(baseline.pid()), svcCpu(hub.pid());
  uint64_t baseCalls = 0, svcCalls = 0;
  for (int r = 0; r < options.repetitions; ++r) {
    // Alternate so that drift of a noisy machine hits both sides alike.
    hubPipelined.push_back(runPingLoad(hub.port(), 8, 100, duration, "admin", "zenoss").callsPerSecond());
    auto base = baseCpu.measure([&]() { return runPingLoad(baseline.port(), 8, 100, duration, "admin", "zenoss"); });
    basePipelined.push_back(base.callsPerSecond());
    baseCalls += base.calls;
    auto svc = svcCpu.measure(
        [&]() { return runPingLoad(hub.port(), 8, 100, duration, "admin", "zenoss", CallKind::kServiceCall); });
    svcPipelined.push_back(svc.callsPerSecond());
    svcCalls += svc.calls;
  }
  reportRatio("throughput", "hub ping calls/s, 8 connections x 100 in flight", hubPipelined, basePipelined, kEcho,
              true, 0.8, options);
  reportRatio("throughput", "service calls/s through hub and 2 workers (PingConfig.getConfigProperties), 8 x 100",
              svcPipelined, basePipelined, kEcho, true, 0.5, options);
  // CPU microseconds per pipelined call, by process, and how often the server slept and was
  // woken per call. The hub's one thread can forward at most 1e6 / hub_us calls/s, and all the
  // processes together at most 2e6 / (their sum) on two cores.
  auto per = [](double total, uint64_t calls) { return calls ? total / static_cast<double>(calls) : 0.0; };
  Json()
      .set("scenario", "throughput")
      .set("metric", "CPU us per pipelined call (user+system), 8 x 100")
      .set("service_hub_us", per(svcCpu.serverSeconds * 1e6, svcCalls))
      .set("service_workers_us", per(svcCpu.childrenSeconds * 1e6, svcCalls))
      .set("service_client_us", per(svcCpu.clientSeconds * 1e6, svcCalls))
      .set("service_hub_wakeups_per_call", per(static_cast<double>(svcCpu.serverWakeups), svcCalls))
      .set("echo_server_us", per(baseCpu.serverSeconds * 1e6, baseCalls))
      .set("echo_client_us", per(baseCpu.clientSeconds * 1e6, baseCalls))
      .set("echo_server_wakeups_per_call", per(static_cast<double>(baseCpu.serverWakeups), baseCalls))
      .set("repetitions", options.repetitions)
      .print();
  reportPoolPipeline(options);
  return 0;
}

}  // namespace zenhub::bench
