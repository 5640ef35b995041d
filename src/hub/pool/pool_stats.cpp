#include "hub/pool/pool_stats.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace zenhub::hub::pool {

size_t QueueStat::total() const {
  size_t n = 0;
  for (auto d : depth) n += d;
  return n;
}

void MethodStatsTable::record(const std::string& name, Nanos elapsed, bool ok,
                              std::chrono::system_clock::time_point when) {
  auto& m = methods_[name];
  m.name = name;
  record(m, elapsed, ok, when);
}

MethodStat& MethodStatsTable::entry(std::string_view service, std::string_view method) {
  key_.assign(service).append(".").append(method);
  auto it = methods_.find(std::string_view(key_));
  if (it == methods_.end()) {
    it = methods_.emplace(key_, MethodStat{}).first;
    it->second.name = key_;
  }
  return it->second;
}

void MethodStatsTable::record(MethodStat& m, Nanos elapsed, bool ok, std::chrono::system_clock::time_point when) {
  ++m.count;
  if (!ok) ++m.errors;
  m.total += elapsed;
  m.max = std::max(m.max, elapsed);
  m.last = elapsed;
  m.lastCalled = when;
}

std::vector<MethodStat> MethodStatsTable::byTotal() const {
  std::vector<MethodStat> all;
  for (const auto& [name, m] : methods_) {
    if (m.count > 0) all.push_back(m);  // an entry made for a call that never ended is no method's row yet
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.total > b.total; });
  return all;
}

std::string formatHms(Nanos d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(std::max(d, Nanos{0})).count();
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

namespace {

const char* worklistLabel(Priority p) {
  switch (p) {
    case Priority::kEvents: return "Events";
    case Priority::kSingleModeling: return "ApplyDataMaps (single)";
    case Priority::kOther: return "Other";
    case Priority::kConfig: return "Config";
    case Priority::kModeling: return "ApplyDataMaps (batch)";
  }
  return "Other";
}

std::string wallTime(std::chrono::system_clock::time_point t) {
  if (t == std::chrono::system_clock::time_point{}) return "-";
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(tt));
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
      continue;
    }
    out += c;
  }
  return out;
}

double seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::vector<std::string> formatReport(const PoolStats& s) {
  std::vector<std::string> lines;
  lines.push_back("Worklist Stats:");
  size_t total = 0;
  for (auto p : kAllPriorities) {
    size_t n = 0;
    for (const auto& q : s.queues) n += q.depth[static_cast<size_t>(p)];
    total += n;
    lines.push_back(fmt::format("   {:<22}: {}", worklistLabel(p), n));
  }
  lines.push_back(fmt::format("   {:<22}: {}", "Total", total));
  for (const auto& q : s.queues) lines.push_back(fmt::format("   {:<22}: {}", "pool " + q.pool, q.total()));
  lines.push_back("");
  lines.push_back("Service Call Statistics:");
  lines.push_back(fmt::format("   {:<32} {:>8} {:>12}  {}", "method", "count", "running_total", "last_called_time"));
  for (const auto& m : s.methods) {
    lines.push_back(fmt::format(" - {:<32} {:>8} {:>12}  {}", m.name, m.count, formatHms(m.total), wallTime(m.lastCalled)));
  }
  lines.push_back("");
  lines.push_back("Worker Statistics:");
  for (const auto& w : s.workers) {
    std::string extra = fmt::format(" pid={} state={} served={} age={} rss={:.1f}MB restarts={}", w.pid, w.state,
                                    w.callsServed, formatHms(w.age), static_cast<double>(w.rssBytes) / (1 << 20),
                                    w.restarts);
    if (w.busy) {
      std::string waiting = w.waiting ? fmt::format(" (+{} waiting)", w.waiting) : "";
      lines.push_back(fmt::format("    {}:Busy [{}  elapsed: {}]{} idle: {}{}", w.id, w.currentCall,
                                  formatHms(w.currentElapsed), waiting, formatHms(w.idleBefore), extra));
    } else if (w.lastCall.empty()) {
      lines.push_back(fmt::format("    {}:Idle [] No tasks run{}", w.id, extra));
    } else {
      lines.push_back(fmt::format("    {}:Idle [{}  elapsed: {}] idle: {}{}", w.id, w.lastCall,
                                  formatHms(w.lastDuration), formatHms(w.idleBefore), extra));
    }
  }
  const auto& c = s.counters;
  lines.push_back(fmt::format("    busy rejections={} shutdown rejections={} timeouts={} retries={} worker exits={} crash loops={}",
                              c.rejectedBusy, c.rejectedShutdown, c.timeouts, c.retries, c.workerExits, c.crashLoops));
  return lines;
}

std::string toJson(const PoolStats& s) {
  std::string out = "{\"queues\":[";
  for (size_t i = 0; i < s.queues.size(); ++i) {
    const auto& q = s.queues[i];
    out += fmt::format("{}{{\"pool\":\"{}\"", i ? "," : "", escape(q.pool));
    for (auto p : kAllPriorities) out += fmt::format(",\"{}\":{}", priorityName(p), q.depth[static_cast<size_t>(p)]);
    out += fmt::format(",\"total\":{}}}", q.total());
  }
  out += "],\"methods\":[";
  for (size_t i = 0; i < s.methods.size(); ++i) {
    const auto& m = s.methods[i];
    out += fmt::format("{}{{\"name\":\"{}\",\"count\":{},\"errors\":{},\"total\":{:.6f},\"average\":{:.6f},"
                       "\"max\":{:.6f},\"last\":{:.6f},\"lastCalled\":\"{}\"}}",
                       i ? "," : "", escape(m.name), m.count, m.errors, seconds(m.total), seconds(m.average()),
                       seconds(m.max), seconds(m.last), wallTime(m.lastCalled));
  }
  out += "],\"workers\":[";
  for (size_t i = 0; i < s.workers.size(); ++i) {
    const auto& w = s.workers[i];
    out += fmt::format("{}{{\"id\":\"{}\",\"pool\":\"{}\",\"pid\":{},\"state\":\"{}\",\"busy\":{},"
                       "\"currentCall\":\"{}\",\"currentElapsed\":{:.6f},\"waiting\":{},\"callsServed\":{},"
                       "\"age\":{:.3f},\"rssBytes\":{},\"restarts\":{}}}",
                       i ? "," : "", escape(w.id), escape(w.pool), w.pid, w.state, w.busy ? "true" : "false",
                       escape(w.currentCall), seconds(w.currentElapsed), w.waiting, w.callsServed, seconds(w.age),
                       w.rssBytes, w.restarts);
  }
  const auto& c = s.counters;
  out += fmt::format("],\"counters\":{{\"rejectedBusy\":{},\"rejectedShutdown\":{},\"timeouts\":{},\"retries\":{},"
                     "\"workerExits\":{},\"crashLoops\":{}}}}}",
                     c.rejectedBusy, c.rejectedShutdown, c.timeouts, c.retries, c.workerExits, c.crashLoops);
  return out;
}

}  // namespace zenhub::hub::pool
