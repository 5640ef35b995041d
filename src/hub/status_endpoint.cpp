#include "hub/status_endpoint.h"

#include <fmt/format.h>

#include <map>

#include "hub/pool/priority.h"

namespace zenhub::hub {

namespace {

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string invalidationsJson(const invalidation::InvalidationStats& s) {
  double mean = s.latencyCount ? s.latencySumSeconds / static_cast<double>(s.latencyCount) : 0;
  return fmt::format(
      "{{\"paused\":{},\"storeReachable\":{},\"cursor\":{},\"indexedDevices\":{},\"polls\":{},\"pollErrors\":{},"
      "\"cycles\":{},\"resyncs\":{},\"oidsSeen\":{},\"oidsFiltered\":{},\"oidsTransformed\":{},\"oidsIgnored\":{},"
      "\"devicesAffected\":{},\"configsPushed\":{},\"deletesPushed\":{},\"otherPushes\":{},\"pushesFailed\":{},"
      "\"listenersDropped\":{},\"computeErrors\":{},\"pendingDevices\":{},\"lastCycleSeconds\":{:.6f},"
      "\"maxCycleSeconds\":{:.6f},\"totalCycleSeconds\":{:.6f},\"latencyMeanSeconds\":{:.6f},"
      "\"latencyMaxSeconds\":{:.6f},\"pushesMeasured\":{}}}",
      s.paused, s.storeReachable, s.cursor, s.indexedDevices, s.polls, s.pollErrors, s.cycles, s.resyncs,
      s.counts.oidsSeen, s.counts.oidsFiltered, s.counts.oidsTransformed, s.counts.oidsIgnored, s.devicesAffected,
      s.configsPushed, s.deletesPushed, s.otherPushes, s.pushesFailed, s.listenersDropped, s.computeErrors,
      s.pendingDevices, s.lastCycleSeconds, s.maxCycleSeconds, s.totalCycleSeconds, mean, s.latencyMaxSeconds,
      s.latencyCount);
}

}  // namespace

std::vector<std::string> readinessProblems(const StatusSources& sources) {
  std::vector<std::string> problems;
  if (!sources.listening()) problems.push_back("not listening for collectors");
  if (!sources.workersReady()) problems.push_back("workers not ready");
  auto inv = sources.snapshot().invalidations;
  if (!inv.storeReachable) problems.push_back("store unreachable");
  return problems;
}

std::string statsJson(const HubSnapshot& hub, const pool::PoolStats& pool) {
  std::string out = fmt::format(
      "{{\"hub\":{{\"instance\":\"{}\",\"uptimeSeconds\":{},\"connections\":{},\"acceptedTotal\":{},"
      "\"droppedTotal\":{},\"loginFailures\":{},\"loopLagLastSeconds\":{:.6f},\"loopLagMeanSeconds\":{:.6f},"
      "\"loopLagMaxSeconds\":{:.6f},\"services\":[",
      escape(hub.instanceId), hub.uptime.count(), hub.connections, hub.acceptedTotal, hub.droppedTotal,
      hub.loginFailures, seconds(hub.lagLast), seconds(hub.lagMean), seconds(hub.lagMax));
  for (size_t i = 0; i < hub.services.size(); ++i) {
    const auto& s = hub.services[i];
    out += fmt::format("{}{{\"service\":\"{}\",\"monitor\":\"{}\",\"listeners\":{},\"calls\":{}}}", i ? "," : "",
                       escape(s.name), escape(s.monitor), s.listeners, s.calls);
  }
  out += "],\"calls\":[";
  for (size_t i = 0; i < hub.methods.size(); ++i) {
    const auto& m = hub.methods[i];
    out += fmt::format("{}{{\"name\":\"{}\",\"count\":{},\"errors\":{},\"total\":{:.6f},\"max\":{:.6f}}}", i ? "," : "",
                       escape(m.name), m.count, m.errors, seconds(m.total), seconds(m.max));
  }
  const auto& t = hub.lifetime;
  out += fmt::format(
      "],\"lifetime\":{{\"starts\":{},\"calls\":{},\"callErrors\":{},\"events\":{},\"invalidationCycles\":{},"
      "\"invalidationSeconds\":{:.6f}}}",
      t.starts, t.calls, t.callErrors, t.events, t.invalidationCycles, t.invalidationSeconds);
  out += "},\"invalidations\":" + invalidationsJson(hub.invalidations) + ",\"pool\":" + pool::toJson(pool) + "}";
  return out;
}

std::string metricsText(const HubSnapshot& hub, const pool::PoolStats& pool, const CallMetrics& metrics,
                        size_t listeners) {
  http::PrometheusWriter w;
  for (const auto& [key, n] : metrics.calls) {
    const auto& [service, method, status] = key;
    w.counter("zenhub_calls_total", "Service calls answered, by service, method and status",
              {{"service", service}, {"method", method}, {"status", status}}, static_cast<double>(n));
  }
  for (const auto& [key, histogram] : metrics.durations) {
    w.histogram("zenhub_call_duration_seconds", "Service call latency as collectors see it (queue and worker)",
                {{"service", key.first}, {"method", key.second}}, histogram);
  }
  w.counter("zenhub_events_received_total", "Events received from collectors (EventService)", {},
            static_cast<double>(metrics.eventsReceived));
  for (const auto& q : pool.queues) {
    for (auto p : pool::kAllPriorities) {
      w.gauge("zenhub_worklist_depth", "Calls waiting for a worker, by pool and priority",
              {{"pool", q.pool}, {"priority", pool::priorityName(p)}},
              static_cast<double>(q.depth[static_cast<size_t>(p)]));
    }
  }
  std::map<std::pair<std::string, std::string>, int> byState;
  for (const auto& worker : pool.workers) ++byState[{worker.pool, worker.state}];
  for (const auto& [key, n] : byState) {
    w.gauge("zenhub_workers", "Worker processes by pool and state", {{"pool", key.first}, {"state", key.second}}, n);
  }
  // From the pool's own counter: a sum over the workers alive would drop while a slot waits to
  // respawn.
  for (const auto& q : pool.queues) {
    w.counter("zenhub_worker_restarts_total", "Worker restarts by pool", {{"pool", q.pool}},
              static_cast<double>(q.restarts));
  }
  const auto& c = pool.counters;
  w.counter("zenhub_calls_rejected_total", "Calls refused, by reason", {{"reason", "busy"}},
            static_cast<double>(c.rejectedBusy));
  w.counter("zenhub_calls_rejected_total", "Calls refused, by reason", {{"reason", "shutdown"}},
            static_cast<double>(c.rejectedShutdown));
  w.counter("zenhub_call_timeouts_total", "Calls answered zenhub.timeout", {}, static_cast<double>(c.timeouts));
  w.counter("zenhub_call_retries_total", "Calls re-run after their worker died", {}, static_cast<double>(c.retries));
  const auto& t = hub.lifetime;
  w.counter("zenhub_starts_total", "Hub starts, this one included (saved across restarts)", {},
            static_cast<double>(t.starts));
  w.counter("zenhub_lifetime_calls_total", "Service calls answered since the first start (saved across restarts)", {},
            static_cast<double>(t.calls));
  w.counter("zenhub_lifetime_events_total", "Events received since the first start (saved across restarts)", {},
            static_cast<double>(t.events));
  w.counter("zenhub_lifetime_invalidation_cycles_total",
            "Invalidation cycles since the first start (saved across restarts)", {},
            static_cast<double>(t.invalidationCycles));
  w.counter("zenhub_lifetime_invalidation_seconds_total",
            "Time in invalidation cycles since the first start (saved across restarts)", {}, t.invalidationSeconds);
  w.gauge("zenhub_collectors_connected", "Collector connections", {}, static_cast<double>(hub.connections));
  w.gauge("zenhub_listeners", "Registered service listeners", {}, static_cast<double>(listeners));
  w.counter("zenhub_connections_accepted_total", "Collector connections accepted", {},
            static_cast<double>(hub.acceptedTotal));
  w.counter("zenhub_login_failures_total", "Failed logins", {}, static_cast<double>(hub.loginFailures));
  w.gauge("zenhub_event_loop_lag_seconds", "Event-loop lag: last sample", {{"stat", "last"}}, seconds(hub.lagLast));
  w.gauge("zenhub_event_loop_lag_seconds", "Event-loop lag: last sample", {{"stat", "max"}}, seconds(hub.lagMax));
  const auto& inv = hub.invalidations;
  w.gauge("zenhub_invalidations_paused", "1 while invalidation processing is paused", {}, inv.paused ? 1 : 0);
  w.gauge("zenhub_store_reachable", "1 while the model store answers the hub", {}, inv.storeReachable ? 1 : 0);
  w.counter("zenhub_invalidation_cycles_total", "Invalidation cycles run", {}, static_cast<double>(inv.cycles));
  w.counter("zenhub_invalidation_cycle_seconds_total", "Time spent in invalidation cycles", {},
            inv.totalCycleSeconds);
  for (const auto& [stage, n] : std::map<std::string, uint64_t>{{"seen", inv.counts.oidsSeen},
                                                                 {"filtered", inv.counts.oidsFiltered},
                                                                 {"transformed", inv.counts.oidsTransformed},
                                                                 {"ignored", inv.counts.oidsIgnored}}) {
    w.counter("zenhub_invalidation_oids_total", "Changed oids read from the feed, by what became of them",
              {{"stage", stage}}, static_cast<double>(n));
  }
  w.counter("zenhub_invalidation_devices_total", "(collector, device) pairs planned", {},
            static_cast<double>(inv.devicesAffected));
  w.counter("zenhub_invalidation_pushed_total", "Device configs and deletes pushed", {{"kind", "config"}},
            static_cast<double>(inv.configsPushed));
  w.counter("zenhub_invalidation_pushed_total", "Device configs and deletes pushed", {{"kind", "delete"}},
            static_cast<double>(inv.deletesPushed));
  w.counter("zenhub_invalidation_push_failures_total", "Pushes that failed or timed out", {},
            static_cast<double>(inv.pushesFailed));
  w.counter("zenhub_invalidation_latency_seconds_total", "Sum of change-to-push latencies", {}, inv.latencySumSeconds);
  w.counter("zenhub_invalidation_latency_count_total", "Pushes whose change-to-push latency was measured", {},
            static_cast<double>(inv.latencyCount));
  w.gauge("zenhub_invalidation_latency_max_seconds", "Largest change-to-push latency", {}, inv.latencyMaxSeconds);
  return w.text();
}

void addStatusRoutes(http::HttpServer& server, StatusSources sources) {
  server.route("GET", "/healthz", [](const http::HttpRequestView&) { return http::HttpResponse::text(200, "ok\n"); });
  server.route("GET", "/readyz", [sources](const http::HttpRequestView&) {
    auto problems = readinessProblems(sources);
    if (problems.empty()) return http::HttpResponse::text(200, "ready\n");
    std::string body = "not ready:";
    for (const auto& p : problems) body += " " + p + ";";
    return http::HttpResponse::text(503, body + "\n");
  });
  server.route("GET", "/metrics", [sources](const http::HttpRequestView&) {
    http::HttpResponse r;
    r.contentType = std::string(http::kPrometheusContentType);
    r.body = metricsText(sources.snapshot(), sources.pool(), *sources.metrics, sources.listeners());
    return r;
  });
  server.route("GET", "/report", [sources](const http::HttpRequestView&) {
    return http::HttpResponse::text(200, sources.report());
  });
  server.route("GET", "/stats", [sources](const http::HttpRequestView&) {
    http::HttpResponse r;
    r.contentType = "application/json";
    r.body = statsJson(sources.snapshot(), sources.pool()) + "\n";
    return r;
  });
}

}  // namespace zenhub::hub
