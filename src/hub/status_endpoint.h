// The hub's HTTP status endpoint (DESIGN.md section 9), served by http::HttpServer on the hub's
// loop at `status_listen` (127.0.0.1 by default):
//   /healthz  the hub's loop answers: 200 "ok"
//   /readyz   200 "ready" when listening for collectors, every pool has a ready worker and the
//             store is reachable; else 503 naming what is missing
//   /metrics  Prometheus text (calls, latencies, queues, workers, collectors, invalidations,
//             event-loop lag, events received)
//   /stats    the SIGUSR2 report as JSON: {"hub":{...},"invalidations":{...},"pool":{...}}
//   /report   the SIGUSR2 report as the text the hub logs (what `zenhubctl stats` prints)
// Every handler reads plain data the hub hands it, cheaply, on the loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hub/call_metrics.h"
#include "hub/http/http_server.h"
#include "hub/pool/pool_stats.h"
#include "hub/stats_report.h"

namespace zenhub::hub {

struct StatusSources {
  std::function<HubSnapshot()> snapshot;
  std::function<pool::PoolStats()> pool;
  std::function<bool()> listening;
  std::function<bool()> workersReady;
  std::function<size_t()> listeners;
  std::function<std::string()> report;  // the SIGUSR2 report's text
  const CallMetrics* metrics = nullptr;
};

// What /readyz reports missing (empty: ready).
std::vector<std::string> readinessProblems(const StatusSources& sources);
std::string metricsText(const HubSnapshot& hub, const pool::PoolStats& pool, const CallMetrics& metrics,
                        size_t listeners);
std::string statsJson(const HubSnapshot& hub, const pool::PoolStats& pool);

void addStatusRoutes(http::HttpServer& server, StatusSources sources);

}  // namespace zenhub::hub
