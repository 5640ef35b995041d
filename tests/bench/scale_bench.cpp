// Scenario `scale` (DESIGN.md 12 "Scale and memory"): a generated model of 100,000 devices (with
// the services scenario's extra SNMP datasources, about 20 datapoints per SNMP device) on 1,000
// collectors, all connected to one hub and listening on PingConfig (collector_fleet.h), 1 s poll.
// The collector "localhost" has 12,500 of the devices (10,000 of them SNMP-monitored); the other
// 87,500 are spread over the other 999. Three measurements, each a JSON object:
//  - the hub's RSS with the 1,000 listeners connected (target <= 100 MB), and its peak after
//    the full configs below went through it;
//  - a full SnmpConfig.getDeviceConfigs of localhost's 10,000 SNMP devices through the hub
//    (target <= 2 s);
//  - change-to-push latency p50/p99 of single device changes under that load (targets of the
//    push-latency scenario: p50 <= 0.6 s, p99 <= 1.2 s), after a first round that warms the
//    workers (reported apart: a worker's first push reads the whole model).
// Baseline, in the same run: the same hub on the services scenario's model (localhost's 12,500
// devices only, on one collector) with one collector listening: the same calls without the other
// 87,500 devices and 999 listeners, so the ratios are what scale costs. (The services scenario's
// raw read measures a different thing, the service against the store, in-process.)
// The models are generated and loaded once per run, in this process (5-10 s for 100,000). The
// whole scenario takes about a minute. ZENHUB_BENCH_DEBUG=1 runs the hubs at debug level and
// prints their logs.
#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "bench_model.h"
#include "collector_fleet.h"
#include "hub.capnp.h"
#include "hub_process.h"
#include "scenarios.h"
#include "services.capnp.h"
#include "store/model_loader.h"

namespace zenhub::bench {

namespace {

using Clock = std::chrono::steady_clock;

// Every collector of the fleet asks for its PingConfig configs when it connects, as a collector
// does at start. (A full getDeviceConfigs reads only the collector's own devices, from the store's
// collector index: about 5 ms for a 100-device collector at 100,000 devices.)

struct ScaleSizes {
  std::int64_t devices;
  std::int64_t collectors;
  std::int64_t localDevices;  // on localhost: 80% of them are SNMP-monitored
  int changes;                // per repetition
};

// Generates the model and loads it into a fresh SQLite store at `uri`, localhost's devices first.
void buildModel(const std::string& uri, std::int64_t devices, std::int64_t collectors,
                std::int64_t localDevices) {
  auto specs = snmpBenchModel(devices, collectors);
  std::vector<std::string> names;
  for (const auto& spec : specs) {
    if (spec.className == model::cls::kCollector) names.push_back(spec.id);
  }
  std::int64_t k = 0;
  for (auto& spec : specs) {
    if (spec.className != model::cls::kDevice) continue;
    size_t owner = k < localDevices || names.size() == 1
                       ? 0
                       : 1 + static_cast<size_t>(k - localDevices) % (names.size() - 1);
    spec.properties["perfServer"] = names[owner];
    ++k;
  }
  store::OpenOptions open;
  open.create = true;
  auto s = store::openStore(uri, open);
  auto txn = s->write();
  store::loadModel(*txn, specs);
  txn->commit();
}

// A collector connection for the full config. The reply (about 62 MiB) is close to Cap'n Proto's
// default 64 MiB traversal limit, so it reads with a larger one, as a collector asking for that
// much would.
class BigReplyClient {
 public:
  BigReplyClient(kj::AsyncIoContext& io, uint16_t port)
      : stream_(io.provider->getNetwork()
                    .parseAddress("127.0.0.1", port)
                    .wait(io.waitScope)
                    ->connect()
                    .wait(io.waitScope)),
        network_(*stream_, capnp::rpc::twoparty::Side::CLIENT, readerOptions()),
        rpc_(capnp::makeRpcClient(network_)) {
    capnp::word scratch[4] = {};
    capnp::MallocMessageBuilder message(scratch);
    auto vatId = message.getRoot<capnp::rpc::twoparty::VatId>();
    vatId.setSide(capnp::rpc::twoparty::Side::SERVER);
    auto login = rpc_.bootstrap(vatId).castAs<schema::Login>().loginRequest();
    login.setUser("admin");
    login.setPassword("zenoss");
    auto get = login.send().wait(io.waitScope).getHub().getServiceRequest();
    get.setName("SnmpConfig");
    get.setMonitor("localhost");
    snmp_ = get.send().wait(io.waitScope).getService().castAs<schema::SnmpConfig>();
  }
  // A full getDeviceConfigs: seconds, and the configs received.
  std::pair<double, size_t> fullConfig(kj::WaitScope& ws) {
    auto start = Clock::now();
    auto reply = snmp_.getDeviceConfigsRequest().send().wait(ws);
    return {since(start), reply.getConfigs().size()};
  }

 private:
  static capnp::ReaderOptions readerOptions() {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = 1ull << 30;
    return options;
  }
  kj::Own<kj::AsyncIoStream> stream_;
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
  schema::SnmpConfig::Client snmp_ = nullptr;
};

// The resident size of the hub's worker processes together, in MiB.
double workersRssMb(pid_t hub) {
  std::ifstream in("/proc/" + std::to_string(hub) + "/task/" + std::to_string(hub) + "/children");
  double total = 0;
  for (pid_t child; in >> child;) total += rssMb(child);
  return total;
}

// What one hub measured.
struct Measured {
  double rssIdle = 0;             // ready, before any collector
  double rssListening = 0;        // with the fleet connected, before the full configs
  double rssAfter = 0;            // after the full configs and the pushes
  double peakRss = 0;             // VmHWM at the end
  double workersRss = 0;          // the workers, at the end
  double connectSeconds = 0;      // connecting the fleet
  double localhostPing = 0;       // localhost's first PingConfig.getDeviceConfigs, s
  std::vector<double> smallPing;  // the other fetching collectors' first one, s
  size_t smallPingConfigs = 0;
  std::vector<double> full;  // seconds per full SnmpConfig.getDeviceConfigs
  size_t configs = 0;
  std::vector<double> push;      // change-to-push latencies, seconds
  std::vector<double> coldPush;  // the same, the first round (workers not warmed yet)
};

Measured measureHub(const Options& options, const std::string& uri, const ScaleSizes& sizes,
                    const std::string& tag) {
  auto s = store::openStore(uri);
  auto names = collectorNames(*s);
  auto all = pingedDevices(*s);
  testing::HubProcess hub;
  bool debug = std::getenv("ZENHUB_BENCH_DEBUG") != nullptr;
  hub.start({"--store", uri, "--invalidation-poll-interval", "1", "--log-level",
             debug ? "debug" : "info"});
  if (!hub.waitReady(std::chrono::seconds(60)))
    throw std::runtime_error("the hub did not start: " + hub.log());
  if (!hub.waitForLog("event=invalidations_started", 0, std::chrono::seconds(60))) {
    throw std::runtime_error("invalidations did not start: " + hub.log());
  }
  Measured m;
  m.rssIdle = rssMb(hub.pid());
  auto io = kj::setupAsyncIo();
  Arrivals arrivals;
  std::cerr << "scale: " << tag << ": connecting " << names.size() << " collectors\n";
  auto start = Clock::now();
  // localhost (the big collector) first: its connection's numbers are reported as localhost's.
  std::stable_partition(names.begin(), names.end(), [](const std::string& n) { return n == "localhost"; });
  auto fleet = connectFleet(io, hub.port(), names, arrivals, true);
  m.connectSeconds = since(start);
  m.localhostPing = fleet.front().initialSeconds;
  for (size_t i = 1; i < fleet.size(); ++i) {
    m.smallPing.push_back(fleet[i].initialSeconds);
    m.smallPingConfigs = fleet[i].initialConfigs;
  }
  m.rssListening = rssMb(hub.pid());
  std::cerr << "scale: " << tag << ": connected in " << m.connectSeconds << " s\n";

  BigReplyClient snmp(io, hub.port());
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    auto [seconds, configs] = snmp.fullConfig(io.waitScope);
    m.full.push_back(seconds);
    m.configs = configs;
  }
  // A first round, not counted, warms the workers: the first call for a few named devices on a
  // worker that has not read the whole model yet reads it (DevicePaths), about 1 s here.
  for (int r = 0; r <= std::max(1, options.repetitions); ++r) {
    try {
      auto l = measurePushLatencies(io, *s, arrivals, all, fleet, sizes.changes, 3000 + r);
      if (r == 0)
        m.coldPush = l;
      else
        m.push.insert(m.push.end(), l.begin(), l.end());
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string(e.what()) + "\n---- hub log ----\n" + hub.log());
    }
  }
  m.rssAfter = rssMb(hub.pid());
  m.peakRss = peakRssMb(hub.pid());
  m.workersRss = workersRssMb(hub.pid());
  if (debug) std::cerr << hub.log();
  return m;
}

}  // namespace

int runScale(const Options& options) {
  ScaleSizes big = options.quick ? ScaleSizes{10000, 100, 1250, 3} : ScaleSizes{100000, 1000, 12500, 40};
  ScaleSizes small{big.localDevices, 1, big.localDevices, big.changes};

  auto start = Clock::now();
  std::string bigUri = "sqlite://" + options.workDir + "/scale.db";
  buildModel(bigUri, big.devices, big.collectors, big.localDevices);
  double buildSeconds = since(start);
  std::string smallUri = "sqlite://" + options.workDir + "/scale-baseline.db";
  buildModel(smallUri, small.devices, small.collectors, small.localDevices);
  std::cerr << "scale: models generated and loaded in " << since(start) << " s\n";

  Measured base = measureHub(options, smallUri, small, "baseline");
  Measured m = measureHub(options, bigUri, big, "scale");

  Json()
      .set("scenario", "scale")
      .set("metric", "hub RSS MB with every collector connected and listening")
      .set("devices", static_cast<long>(big.devices))
      .set("collectors", static_cast<long>(big.collectors))
      .set("hub_rss_mb", m.rssListening)
      .set("hub_rss_mb_idle", m.rssIdle)
      .set("hub_rss_mb_after_full_configs", m.rssAfter)
      .set("hub_peak_rss_mb", m.peakRss)
      .set("workers_rss_mb", m.workersRss)
      .set("connect_s", m.connectSeconds)
      .set("model_build_and_load_s", buildSeconds)
      .set("baseline", "the same hub on localhost's devices only, one collector listening")
      .set("baseline_hub_rss_mb", base.rssListening)
      .set("baseline_hub_peak_rss_mb", base.peakRss)
      .set("baseline_workers_rss_mb", base.workersRss)
      .set("ratio", base.rssListening > 0 ? m.rssListening / base.rssListening : 0)
      .set("target", "hub_rss_mb <= 100")
      .set("pass", m.rssListening <= 100)
      .print();

  double full = median(m.full), baseFull = median(base.full);
  Json()
      .set("scenario", "scale")
      .set("metric", "full SnmpConfig.getDeviceConfigs of localhost through the hub, s")
      .set("devices", static_cast<long>(big.devices))
      .set("collectors_listening", static_cast<long>(big.collectors))
      .set("configs", static_cast<long>(m.configs))
      .set("median_s", full)
      .set("baseline", "the same call on localhost's devices only, one collector listening")
      .set("baseline_configs", static_cast<long>(base.configs))
      .set("baseline_median_s", baseFull)
      .set("ratio", baseFull > 0 ? full / baseFull : 0)
      .set("ping_config_localhost_s", m.localhostPing)
      .set("baseline_ping_config_localhost_s", base.localhostPing)
      .set("ping_config_other_collector_s", median(m.smallPing))
      .set("ping_config_other_collector_configs", static_cast<long>(m.smallPingConfigs))
      .set("target", "<= 2 s")
      .set("pass", full <= 2.0)
      .set("repetitions", options.repetitions)
      .print();

  double p50 = percentile(m.push, 50), p99 = percentile(m.push, 99);
  double b50 = percentile(base.push, 50), b99 = percentile(base.push, 99);
  Json()
      .set("scenario", "scale")
      .set("metric", "change-to-push latency under that load, 1 s poll")
      .set("samples", static_cast<long>(m.push.size()))
      .set("p50_s", p50)
      .set("p99_s", p99)
      .set("baseline", "the same on localhost's devices only, one collector listening")
      .set("baseline_p50_s", b50)
      .set("baseline_p99_s", b99)
      .set("ratio_p50", b50 > 0 ? p50 / b50 : 0)
      .set("first_round_p50_s", percentile(m.coldPush, 50))
      .set("first_round_max_s", percentile(m.coldPush, 100))
      .set("baseline_first_round_max_s", percentile(base.coldPush, 100))
      .set("target", "p50 <= 0.6 s, p99 <= 1.2 s (after the first round)")
      .set("pass", p50 <= 0.6 && p99 <= 1.2)
      .set("repetitions", options.repetitions)
      .print();
  return 0;
}

}  // namespace zenhub::bench
