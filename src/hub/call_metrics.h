// Metrics of the calls collectors make (and the hub's own, e.g. invalidations computing configs),
// for /metrics: counts by service, method and status, and latency histograms by service and
// method. Recorded on the loop by the ForwardingService; read by the status endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "hub/http/prometheus.h"

namespace zenhub::hub {

struct CallMetrics {
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> calls;  // service, method, status
  std::map<std::pair<std::string, std::string>, http::Histogram> durations;     // service, method
  uint64_t eventsReceived = 0;  // events in EventService.sendEvent(s) calls that succeeded

  void record(const std::string& service, const std::string& method, bool ok, std::chrono::nanoseconds elapsed) {
    ++calls[{service, method, ok ? "ok" : "error"}];
    durations[{service, method}].observe(elapsed);
  }
};

}  // namespace zenhub::hub
