#include "hub/stats_report.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace zenhub::hub {

std::string formatDuration(std::chrono::nanoseconds d) { return pool::formatHms(d); }

namespace {
std::string formatTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", tm);
}
double ms(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }
}  // namespace

std::string formatReport(const HubSnapshot& s) {
  std::string out;
  out += "Hub Statistics:\n";
  out += fmt::format("   {:<22}: {}\n", "Instance", s.instanceId);
  out += fmt::format("   {:<22}: {}\n", "Uptime", formatDuration(s.uptime));
  out += fmt::format("   {:<22}: {} (accepted {}, dropped {})\n", "Connections", s.connections,
                     s.acceptedTotal, s.droppedTotal);
  out += fmt::format("   {:<22}: {}\n", "Failed logins", s.loginFailures);
  out += fmt::format("   {:<22}: last {:.2f} ms, mean {:.2f} ms, max {:.2f} ms ({:.2f} ms since the last report)\n",
                     "Event-loop lag", ms(s.lagLast), ms(s.lagMean), ms(s.lagMax), ms(s.lagMaxSinceReport));
  const auto& t = s.lifetime;
  out += fmt::format("   {:<22}: starts {}, calls {} ({} errors), events {}, invalidation cycles {} ({:.3f} s)\n",
                     "Since first start", t.starts, t.calls, t.callErrors, t.events, t.invalidationCycles,
                     t.invalidationSeconds);
  const auto& inv = s.invalidations;
  out += "\nInvalidations:\n";
  out += fmt::format("   {:<22}: {}, store {}, feed cursor {}, {} devices indexed\n", "State",
                     inv.paused ? "PAUSED" : "running", inv.storeReachable ? "reachable" : "UNREACHABLE", inv.cursor,
                     inv.indexedDevices);
  out += fmt::format("   {:<22}: {} (last {:.3f} s, max {:.3f} s, total {:.3f} s)\n", "Cycles", inv.cycles,
                     inv.lastCycleSeconds, inv.maxCycleSeconds, inv.totalCycleSeconds);
  out += fmt::format("   {:<22}: seen {}, filtered {}, transformed {}, ignored {}\n", "Oids", inv.counts.oidsSeen,
                     inv.counts.oidsFiltered, inv.counts.oidsTransformed, inv.counts.oidsIgnored);
  out += fmt::format("   {:<22}: affected {}, pending {}, configs pushed {}, deletes pushed {}\n", "Devices",
                     inv.devicesAffected, inv.pendingDevices, inv.configsPushed, inv.deletesPushed);
  out += fmt::format("   {:<22}: other {}, failed {}, listeners dropped {}, compute errors {}\n", "Pushes",
                     inv.otherPushes, inv.pushesFailed, inv.listenersDropped, inv.computeErrors);
  double meanLatency = inv.latencyCount ? inv.latencySumSeconds / static_cast<double>(inv.latencyCount) : 0;
  out += fmt::format("   {:<22}: mean {:.3f} s, max {:.3f} s, last {:.3f} s ({} pushes)\n", "Change-to-push",
                     meanLatency, inv.latencyMaxSeconds, inv.latencyLastSeconds, inv.latencyCount);
  out += "\nService Instances:\n";
  out += fmt::format("   {:<20} {:<20} {:>9} {:>8}\n", "service", "monitor", "listeners", "calls");
  for (const auto& i : s.services) {
    out += fmt::format(" - {:<20} {:<20} {:>9} {:>8}\n", i.name, i.monitor, i.listeners, i.calls);
  }
  out += "\nHub Call Statistics (as collectors see them: queue and worker time included):\n";
  out += fmt::format("   {:<32} {:>8} {:>13} {}\n", "method", "count", "running_total", "last_called_time");
  for (const auto& m : s.methods) {
    out += fmt::format(" - {:<32} {:>8} {:>13}  {}\n", m.name, m.count, formatDuration(m.total),
                       formatTime(m.lastCalled));
  }
  return out;
}

}  // namespace zenhub::hub
