// The worker pool's settings, read from zenhub.yaml by parsePoolConfig() (the hub's config
// loader calls it with the document's root). Keys (all optional; config/zenhub.yaml documents
// them):
//   pools:      {name: workers, ...}          default {default: <workers>, events: 1, modeling: 1}
//   routes:     {"service:method": pool | {pool: name, timeout: seconds}, ...}   `*:*` required
//               default: *:* -> default, EventService:* -> events,
//                        *:applyDataMaps and *:singleApplyDataMaps -> modeling
//   priorities: {"service:method": EVENTS|SINGLE_MODELING|OTHER|CONFIG|MODELING}  over ZenHub's
//   call_timeout, call_retries, queue_limit, worker_call_limit, worker_rss_limit_mb,
//   worker_pipeline, worker_pipeline_window, crash_window, crash_loop_threshold, crash_backoff_initial, crash_backoff_max,
//   worker_stop_grace, worker_signal_min_age (seconds where a time).
// Event calls get their own pool by default so they never wait behind config work.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hub/pool/priority.h"
#include "hub/pool/router.h"
#include "hub/pool/supervisor.h"

namespace zenhub::hub::pool {

// The measured defaults of `worker_pipeline` and `worker_pipeline_window` (README's throughput
// rows; 1 = one call at a time).
inline constexpr int kDefaultPipeline = 16;
inline constexpr std::chrono::milliseconds kDefaultPipelineWindow{2};

struct PoolConfig {
  std::map<std::string, int> pools;  // name -> worker count
  std::vector<RouteSpec> routes;     // a route's timeout 0 means callTimeout
  std::vector<std::pair<RouteKey, Priority>> priorities;  // added over ZenHub's defaults
  std::chrono::milliseconds callTimeout{60000};
  int retries = 3;               // re-runs of a call whose worker died under it (4 attempts)
  size_t queueLimit = 10000;     // queued calls per pool before zenhub.busy
  // Recycle a worker after this many calls (0 = never). The RSS limit is what catches a worker
  // that grows; this one bounds a worker's age in calls. Each recycle halves a two-worker pool's
  // capacity until the replacement is ready (README: 10,000 cost a fifth of the calls/s at full load).
  uint64_t callLimit = 100000;
  uint64_t rssLimitBytes = 1024ull << 20;  // recycle a worker above this RSS (0 = never)
  // Calls in flight on one worker at most (it runs them one at a time, in order). Calls go to
  // an idle worker first; only when none is idle does a busy one get another, up to this depth,
  // so the worker never waits for the hub between two calls. 1: one call at a time.
  int pipeline = kDefaultPipeline;
  // ... and only while the calls already on it are expected (their methods' average times) to
  // take less than this in all: fast calls pipeline deep, none waits behind a slow one on a
  // worker. 0: no bound but `pipeline`.
  Duration pipelineWindow = kDefaultPipelineWindow;
  Duration crashWindow = std::chrono::seconds(10);
  int crashLoopThreshold = 2;
  Duration backoffInitial = std::chrono::seconds(1);
  Duration backoffMax = std::chrono::seconds(60);
  Duration stopGrace = std::chrono::seconds(5);
  // SIGUSR2 goes only to workers ready at least this long (one still starting could die of it).
  Duration signalMinAge = std::chrono::seconds(5);

  SupervisorConfig supervisor(const std::string& pool) const;
  Router router() const { return Router(routes); }
  PriorityMap priorityMap() const;
};

// The defaults, with `defaultWorkers` in the default pool (the hub's `workers` setting).
PoolConfig defaultPoolConfig(int defaultWorkers = 2);

// The top-level keys parsePoolConfig reads (the hub's loader leaves them to it).
const std::vector<std::string>& poolConfigKeys();

// Reads the pool keys of `root` (a mapping; other keys are ignored) over the defaults. Appends
// every problem to `errors` as "source:line:col: message"; the result is only meaningful when
// none was added.
PoolConfig parsePoolConfig(const YAML::Node& root, const std::string& source,
                           std::vector<std::string>& errors, int defaultWorkers = 2);

// Cross-checks (a `*:*` route, every route's pool exists, counts in range). Empty = fine.
std::vector<std::string> validatePoolConfig(const PoolConfig& config);

}  // namespace zenhub::hub::pool
