// The services scenario of zenhub-bench: a full SnmpConfig.getDeviceConfigs of 10,000 SNMP
// devices (about 20 datapoints each) on a generated model, against reading the same snapshot raw
// (ReadTransaction::all(), the floor any service has to pay), with the process's memory; and
// EventService throughput (one sendEvents of 10,000 events; 10,000 sendEvent calls batched).
// Runs in-process (it measures the services, not the RPC path) on SQLite, and on PostgreSQL
// when options.pgUri is set (in a schema of its own, dropped after).
#include <kj/async.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench_model.h"
#include "scenarios.h"
#include "services.capnp.h"
#include "services/registry.h"
#include "store/event_store.h"
#include "store/model_loader.h"

namespace zenhub::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Resident set size now and at its peak, in MiB (/proc/self/status).
std::pair<double, double> memoryMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  double rss = 0;
  double peak = 0;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stod(line.substr(6)) / 1024;
    if (line.rfind("VmHWM:", 0) == 0) peak = std::stod(line.substr(6)) / 1024;
  }
  return {rss, peak};
}

void pgExec(const std::string& base, const std::string& sql) {
  PGconn* c = PQconnectdb(base.c_str());
  PQclear(PQexec(c, "SET client_min_messages = warning"));
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string err = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("services bench: " + err);
}

void runOn(const std::string& backend, const std::string& uri, const Options& options);

}  // namespace

int runServices(const Options& options) {
  std::string dir = options.workDir + "/services-bench";
  std::filesystem::create_directories(dir);
  runOn("sqlite", "sqlite://" + dir + "/model.db", options);
  std::filesystem::remove_all(dir);
  if (options.pgUri.empty()) {
    Json()
        .set("scenario", "services.snmp_full_config")
        .set("backend", "postgresql")
        .set("skipped", "no pgUri given")
        .print();
    return 0;
  }
  std::string schema = "services_bench_" + std::to_string(::getpid());
  pgExec(options.pgUri, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  std::string uri = options.pgUri + (options.pgUri.find('?') == std::string::npos ? "?" : "&") +
                    "options=-csearch_path%3D" + schema;
  try {
    runOn("postgresql", uri, options);
  } catch (...) {
    pgExec(options.pgUri, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    throw;
  }
  pgExec(options.pgUri, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  return 0;
}

namespace {

void runOn(const std::string& backend, const std::string& uri, const Options& options) {
  // 80% of generated devices are SNMP-monitored (the /Ping class is not).
  const std::int64_t generated = options.quick ? 1250 : 12500;
  store::OpenOptions open;
  open.create = true;
  auto store = store::openStore(uri, open);
  {
    auto txn = store->write();
    store::loadModel(*txn, snmpBenchModel(generated));
    txn->commit();
  }
  auto events = store::openEventStore(uri);
  services::ServiceRegistry registry;
  kj::EventLoop loop;
  kj::WaitScope ws(loop);
  auto snmp =
      registry.make("SnmpConfig", services::ServiceContext{*store, "localhost", {}, events.get()})
          .castAs<schema::SnmpConfig>();

  std::vector<double> raw;
  std::vector<double> full;
  size_t objects = 0;
  size_t configs = 0;
  size_t datapoints = 0;
  size_t bytes = 0;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    auto start = Clock::now();
    {
      auto txn = store->read();
      objects = txn->all().size();
    }
    raw.push_back(seconds(start));

    start = Clock::now();
    auto reply = snmp.getDeviceConfigsRequest().send().wait(ws);
    full.push_back(seconds(start));
    configs = reply.getConfigs().size();
    datapoints = 0;
    for (auto c : reply.getConfigs()) {
      for (auto o : c.getConfig().getOids()) datapoints += o.getDataPoints().size();
    }
    bytes = reply.totalSize().wordCount * 8;
  }
  auto [rss, peak] = memoryMiB();
  double seconds10k = median(full) * 10000.0 / static_cast<double>(std::max<size_t>(1, configs));
  Json()
      .set("scenario", "services.snmp_full_config")
      .set("backend", backend)
      .set("devices", static_cast<long>(configs))
      .set("objects", static_cast<long>(objects))
      .set("datapoints_per_device",
           static_cast<double>(datapoints) / static_cast<double>(std::max<size_t>(1, configs)))
      .set("reply_mib", static_cast<double>(bytes) / (1024.0 * 1024.0))
      .set("seconds", median(full))
      .set("baseline_raw_read_all_seconds", median(raw))
      .set("ratio", median(full) / std::max(1e-9, median(raw)))
      .set("seconds_per_10000_devices", seconds10k)
      .set("target_seconds_per_10000_devices", 2.0)
      .set("pass", seconds10k <= 2.0)
      .set("rss_mib", rss)
      .set("peak_rss_mib", peak)
      .print();

  // What an invalidation push asks for: the configs of a few named devices, on the same model.
  std::vector<double> few;
  size_t fewConfigs = 0;
  for (int r = 0; r < 20; ++r) {
    auto request = snmp.getDeviceConfigsRequest();
    auto names = request.initNames(10);
    for (unsigned i = 0; i < 10; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "dev%06u", static_cast<unsigned>(r * 10 + i + 1));
      names.set(i, id);
    }
    auto start = Clock::now();
    fewConfigs += request.send().wait(ws).getConfigs().size();
    few.push_back(seconds(start));
  }
  Json()
      .set("scenario", "services.snmp_ten_named_devices")
      .set("backend", backend)
      .set("model_devices", static_cast<long>(generated))
      .set("seconds", median(few))
      .set("p99_seconds", percentile(few, 99))
      .set("configs_per_call", static_cast<double>(fewConfigs) / 20.0)
      .print();

  // EventService throughput.
  auto eventService =
      registry.make("EventService", services::ServiceContext{*store, "localhost", {}, events.get()})
          .castAs<schema::EventService>();
  const unsigned n = options.quick ? 2000 : 10000;
  auto fill = [](schema::Event::Builder e, unsigned i) {
    e.setDevice("dev" + std::to_string(i % 2500));
    e.setEventClass("/Perf/CPU");
    e.setSeverity(3);
    e.setSummary("CPU busy");
  };
  std::int64_t before = events->transactions();
  auto start = Clock::now();
  auto request = eventService.sendEventsRequest();
  auto list = request.initEvents(n);
  for (unsigned i = 0; i < n; ++i) fill(list[i], i);
  request.send().wait(ws);
  double listSeconds = seconds(start);
  std::int64_t listTransactions = events->transactions() - before;

  before = events->transactions();
  start = Clock::now();
  kj::Vector<kj::Promise<void>> calls;
  for (unsigned i = 0; i < n; ++i) {
    auto single = eventService.sendEventRequest();
    fill(single.initEvent(), i);
    calls.add(single.send().ignoreResult());
  }
  kj::joinPromises(calls.releaseAsArray()).wait(ws);
  double singleSeconds = seconds(start);
  Json()
      .set("scenario", "services.send_events")
      .set("backend", backend)
      .set("events", static_cast<long>(n))
      .set("send_events_per_second", n / listSeconds)
      .set("send_events_transactions", static_cast<long>(listTransactions))
      .set("single_calls_per_second", n / singleSeconds)
      .set("single_calls_transactions", static_cast<long>(events->transactions() - before))
      .print();
}

}  // namespace

}  // namespace zenhub::bench
