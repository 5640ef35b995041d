// The pool's statistics as plain data (for the SIGUSR2 report in ZenHub's layout, and for JSON
// at /stats), and the per-method table the shells record into.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/pool/priority.h"

namespace zenhub::hub::pool {

using Nanos = std::chrono::nanoseconds;

struct WorkerStat {
  std::string id;        // "<pool>-<slot>", stable across restarts of the slot
  std::string pool;
  int pid = 0;
  std::string state;     // starting, ready, retiring, stopping
  bool busy = false;
  std::string currentCall;  // "Service.method" while busy: the call it is running
  Nanos currentElapsed{0};
  size_t waiting = 0;       // calls sent to it that wait behind the current one (its pipeline)
  std::string lastCall;     // the previous call, "" if none
  Nanos lastDuration{0};
  Nanos idleBefore{0};      // busy: the gap before the current call; idle: time since the last
  uint64_t callsServed = 0;
  Nanos age{0};
  uint64_t rssBytes = 0;
  int restarts = 0;         // of this slot
};

struct MethodStat {
  std::string name;  // "Service.method"
  uint64_t count = 0;
  uint64_t errors = 0;
  Nanos total{0};
  Nanos max{0};
  Nanos last{0};     // the last call's duration
  std::chrono::system_clock::time_point lastCalled{};
  Nanos average() const { return count ? total / static_cast<int64_t>(count) : Nanos{0}; }
};

struct QueueStat {
  std::string pool;
  std::array<size_t, kPriorityCount> depth{};  // by priority
  uint64_t restarts = 0;  // the pool's worker restarts so far (a counter, unlike WorkerStat's)
  size_t total() const;
};

struct PoolCounters {
  uint64_t rejectedBusy = 0;
  uint64_t rejectedShutdown = 0;
  uint64_t timeouts = 0;
  uint64_t retries = 0;
  uint64_t workerExits = 0;
  uint64_t crashLoops = 0;
};

struct PoolStats {
  std::vector<QueueStat> queues;
  std::vector<MethodStat> methods;  // by total time, largest first
  std::vector<WorkerStat> workers;
  PoolCounters counters;
};

class MethodStatsTable {
 public:
  void record(const std::string& name, Nanos elapsed, bool ok,
              std::chrono::system_clock::time_point when = std::chrono::system_clock::now());
  // The entry of "service.method", created empty when new. Entries are never removed: a call
  // keeps the reference and records into it (record() below) without looking it up again.
  MethodStat& entry(std::string_view service, std::string_view method);
  static void record(MethodStat& m, Nanos elapsed, bool ok,
                     std::chrono::system_clock::time_point when = std::chrono::system_clock::now());
  std::vector<MethodStat> byTotal() const;

 private:
  std::map<std::string, MethodStat, std::less<>> methods_;
  std::string key_;  // entry()'s lookup key, reused
};

// ZenHub's "Worklist Stats", "Service Call Statistics" and "Worker Statistics" sections, one
// string per log line.
std::vector<std::string> formatReport(const PoolStats& stats);
// One JSON object (for GET /stats).
std::string toJson(const PoolStats& stats);
// "H:MM:SS".
std::string formatHms(Nanos d);

}  // namespace zenhub::hub::pool
