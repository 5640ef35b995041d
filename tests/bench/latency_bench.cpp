// Scenario `latency` (DESIGN.md 12 "Hub latency"): one collector calling sequentially, the round
// trip of each call through the real hub (the hub's own ping, and a trivial service call that the
// hub forwards to its one worker: PingConfig.getConfigProperties) against the same client's round
// trip to a bare capnp::EzRpcServer echo (baseline_process.h), measured in the same run,
// alternating. Median and p99 of each side (the medians and p99s of the repetitions' medians and
// p99s), and the ratio of the medians. Targets: service call <= 2.5x, hub ping <= 1.25x.
#include <stdexcept>
#include <string>

#include "baseline_process.h"
#include "hub_process.h"
#include "ping_load.h"
#include "scenarios.h"

namespace zenhub::bench {

namespace {

struct Sides {
  std::vector<double> median, p99, baseMedian, baseP99;
  void add(const std::vector<double>& samples, const std::vector<double>& base) {
    median.push_back(bench::median(samples));
    p99.push_back(percentile(samples, 99));
    baseMedian.push_back(bench::median(base));
    baseP99.push_back(percentile(base, 99));
  }
};

void report(const std::string& metric, const Sides& s, double target, size_t samples,
            const Options& o) {
  double m = median(s.median), b = median(s.baseMedian);
  double ratio = b > 0 ? m / b : 0;
  Json()
      .set("scenario", "latency")
      .set("metric", metric)
      .set("median_us", m)
      .set("p99_us", median(s.p99))
      .set("baseline", "capnp::EzRpcServer ping round trip, same client")
      .set("baseline_median_us", b)
      .set("baseline_p99_us", median(s.baseP99))
      .set("ratio", ratio)
      .set("ratio_p99", median(s.baseP99) > 0 ? median(s.p99) / median(s.baseP99) : 0)
      .set("target", "ratio of medians <= " + std::to_string(target).substr(0, 4))
      .set("pass", ratio <= target)
      .set("samples_per_repetition", static_cast<long>(samples))
      .set("repetitions", o.repetitions)
      .print();
}

}  // namespace

int runLatency(const Options& options) {
  testing::HubProcess hub;
  hub.start({"--log-level", "warn", "--workers", "1"});
  if (!hub.waitReady()) throw std::runtime_error("zenhub did not become ready:\n" + hub.log());
  BaselineProcess baseline(options, options.workDir + "/baseline-latency.port");

  auto duration = std::chrono::milliseconds(options.quick ? 300 : 2000);
  Sides service, ping;
  size_t samples = 0;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    // Alternate so that drift of a noisy machine hits both sides alike.
    auto svc = sampleRoundTrips(hub.port(), duration, "admin", "zenoss", CallKind::kServiceCall);
    auto echo = sampleRoundTrips(baseline.port(), duration, "admin", "zenoss");
    auto hubPing = sampleRoundTrips(hub.port(), duration, "admin", "zenoss");
    auto echo2 = sampleRoundTrips(baseline.port(), duration, "admin", "zenoss");
    service.add(svc, echo);
    ping.add(hubPing, echo2);
    samples = svc.size();
  }
  report(
      "service call round trip us through hub and worker (PingConfig.getConfigProperties), "
      "sequential",
      service, 2.5, samples, options);
  report("hub ping round trip us, 1 connection sequential", ping, 1.25, samples, options);
  return 0;
}

}  // namespace zenhub::bench
