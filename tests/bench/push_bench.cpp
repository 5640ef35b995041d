// Scenarios `push-latency` and `storm`: model changes to collectors through the real hub, its
// workers and a SQLite store written by this process.
//
// push-latency: N collectors connected, each listening on PingConfig for its own monitor; changes
// to single devices at random moments (so they fall anywhere in the hub's 1 s poll); latency is
// from the commit to the listener receiving that device's new config. Baseline: the same with
// one collector connected. Targets (DESIGN.md 12): p50 <= 0.6 s, p99 <= 1.2 s with 1,000.
//
// storm: 10,000 devices changed in one transaction; time from the commit until every listener
// has every config again, and the hub's event-loop lag meanwhile (SIGUSR2 report). Baseline:
// the same configs asked for directly (getDeviceConfigs of every device, through the hub).
// Targets: <= 5 s, lag <= 50 ms.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <regex>

#include "collector_fleet.h"
#include "hub_process.h"
#include "scenarios.h"
#include "store/store.h"

namespace zenhub::bench {

namespace {

using Clock = std::chrono::steady_clock;
using testing::HubProcess;

}  // namespace

int runPushLatency(const Options& options) {
  const int collectors = options.quick ? 20 : 1000;
  const int deviceCount = options.quick ? 200 : 10000;
  const int changes = options.quick ? 10 : 100;
  std::string uri = generateModel(options, "push-latency", deviceCount, collectors);
  auto s = store::openStore(uri);
  auto names = collectorNames(*s);
  auto all = pingedDevices(*s);

  HubProcess hub;
  hub.start({"--store", uri, "--invalidation-poll-interval", "1"});
  if (!hub.waitReady()) throw std::runtime_error("the hub did not start: " + hub.log());
  if (!hub.waitForLog("event=invalidations_started")) throw std::runtime_error("invalidations did not start");

  auto io = kj::setupAsyncIo();
  std::vector<double> base;
  std::vector<double> measured;
  double rss = 0;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    // Baseline: one collector connected.
    {
      Arrivals arrivals;
      auto one = connectFleet(io, hub.port(), {names.front()}, arrivals, true);
      std::vector<double> l;
      try {
        l = measurePushLatencies(io, *s, arrivals, all, one, changes, 1000 + r);
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string(e.what()) + "\n---- hub log ----\n" + hub.log());
      }
      base.insert(base.end(), l.begin(), l.end());
    }
    // Every collector connected.
    Arrivals arrivals;
    std::cerr << "push-latency: connecting " << names.size() << " collectors\n";
    auto everyone = connectFleet(io, hub.port(), names, arrivals, true);
    std::cerr << "push-latency: connected\n";
    rss = std::max(rss, rssMb(hub.pid()));
    auto l = measurePushLatencies(io, *s, arrivals, all, everyone, changes, 2000 + r);
    measured.insert(measured.end(), l.begin(), l.end());
  }
  double p50 = percentile(measured, 50), p99 = percentile(measured, 99);
  double b50 = percentile(base, 50), b99 = percentile(base, 99);
  Json()
      .set("scenario", "push-latency")
      .set("metric", "change-to-push latency, 1 s poll")
      .set("collectors", collectors)
      .set("devices", deviceCount)
      .set("samples", static_cast<long>(measured.size()))
      .set("p50_s", p50)
      .set("p99_s", p99)
      .set("baseline", "the same with one collector connected")
      .set("baseline_p50_s", b50)
      .set("baseline_p99_s", b99)
      .set("ratio_p50", b50 > 0 ? p50 / b50 : 0)
      .set("hub_rss_mb", rss)
      .set("target", "p50 <= 0.6 s, p99 <= 1.2 s")
      .set("pass", p50 <= 0.6 && p99 <= 1.2)
      .set("repetitions", options.repetitions)
      .print();
  return 0;
}

namespace {

// The "since the last report" lag of the next SIGUSR2 report, in ms.
double reportLagMs(HubProcess& hub) {
  size_t from = hub.logSize();
  hub.signal(SIGUSR2);
  if (!hub.waitForLog("Event-loop lag", from)) throw std::runtime_error("no stats report");
  std::regex since(R"(\(([0-9.]+) ms since the last report\))");
  std::smatch m;
  std::string tail = hub.log().substr(from);
  if (!std::regex_search(tail, m, since)) throw std::runtime_error("no lag in the report");
  return std::stod(m[1]);
}

}  // namespace

int runStorm(const Options& options) {
  const int deviceCount = options.quick ? 1000 : 10000;
  const int collectors = 10;
  std::string uri = generateModel(options, "storm", deviceCount, collectors);
  auto s = store::openStore(uri);
  auto names = collectorNames(*s);
  auto all = pingedDevices(*s);

  HubProcess hub;
  hub.start({"--store", uri, "--log-level", std::getenv("ZENHUB_BENCH_DEBUG") ? "debug" : "info"});
  if (!hub.waitReady()) throw std::runtime_error("the hub did not start: " + hub.log());
  if (!hub.waitForLog("event=invalidations_started")) throw std::runtime_error("invalidations did not start");
  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;

  std::vector<double> storm;
  std::vector<double> direct;
  std::vector<double> lags;
  size_t expected = 0;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    Arrivals arrivals;
    auto connected = connectFleet(io, hub.port(), names, arrivals, true);
    expected = 0;
    for (const auto& c : connected) expected += c.initialConfigs;

    // Baseline: every collector asks for all its configs at once, through the hub.
    auto start = Clock::now();
    kj::Vector<kj::Promise<void>> asks;
    for (auto& c : connected) asks.add(c.service.getDeviceConfigsRequest().send().ignoreResult());
    kj::joinPromises(asks.releaseAsArray()).wait(ws);
    direct.push_back(std::chrono::duration<double>(Clock::now() - start).count());

    reportLagMs(hub);  // resets the hub's "since the last report" maximum
    arrivals.recordSeen = true;
    arrivals.seenTarget = expected;
    auto paf = kj::newPromiseAndFulfiller<void>();
    arrivals.done = kj::mv(paf.fulfiller);
    {
      auto txn = s->write();
      int i = 0;
      for (const auto& d : all) {
        ++i;
        txn->update(d.first, {{"manageIp", "10." + std::to_string(100 + r) + "." + std::to_string(i / 250) + "." +
                                               std::to_string(i % 250 + 1)}});
      }
      txn->commit();
    }
    start = Clock::now();
    paf.promise.exclusiveJoin(io.provider->getTimer().afterDelay(60 * kj::SECONDS)).wait(ws);
    if (arrivals.seenTotal < expected) {
      throw std::runtime_error("storm: " + std::to_string(arrivals.seenTotal) + " of " + std::to_string(expected) +
                               " configs pushed in 60 s");
    }
    storm.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    lags.push_back(reportLagMs(hub));
    if (std::getenv("ZENHUB_BENCH_DEBUG")) std::cerr << hub.log() << "\n";
  }
  double seconds = median(storm);
  double lag = *std::max_element(lags.begin(), lags.end());
  Json()
      .set("scenario", "storm")
      .set("metric", "devices changed in one transaction, until every config is pushed")
      .set("devices", deviceCount)
      .set("configs_pushed", static_cast<long>(expected))
      .set("median_s", seconds)
      .set("baseline", "every collector's getDeviceConfigs through the hub")
      .set("baseline_median_s", median(direct))
      .set("ratio", median(direct) > 0 ? seconds / median(direct) : 0)
      .set("loop_lag_max_ms", lag)
      .set("target", "<= 5 s (10,000 devices), loop lag <= 50 ms")
      .set("pass", seconds <= 5.0 && lag <= 50.0)
      .set("repetitions", options.repetitions)
      .print();
  return 0;
}

}  // namespace zenhub::bench
