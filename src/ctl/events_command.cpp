// `zenhubctl events --store URI [filters] [--json]`: lists the stored events (store/event_store.h),
// newest first. By default the open ones; --closed or --all for history.
#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "ctl/command.h"
#include "store/errors.h"
#include "store/event_store.h"
#include "store/json_codec.h"

namespace zenhub::ctl {

namespace {

struct EventsArgs {
  std::string storeUri;
  bool json = false;
  bool closed = false;
  bool all = false;
  store::EventQuery query;
};

const char* severityName(int severity) {
  static const char* kNames[] = {"clear", "debug", "info", "warning", "error", "critical"};
  return severity >= 0 && severity <= 5 ? kNames[severity] : "?";
}

std::string isoTime(double seconds) {
  if (seconds <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return out.str();
}

std::string eventJson(const store::StoredEvent& s) {
  const auto& e = s.event;
  std::ostringstream out;
  out.precision(17);
  out << "{\"id\":" << s.id << ",\"device\":" << store::jsonString(e.device)
      << ",\"component\":" << store::jsonString(e.component)
      << ",\"eventClass\":" << store::jsonString(e.eventClass)
      << ",\"eventKey\":" << store::jsonString(e.eventKey) << ",\"severity\":" << e.severity
      << ",\"summary\":" << store::jsonString(e.summary)
      << ",\"message\":" << store::jsonString(e.message)
      << ",\"agent\":" << store::jsonString(e.agent)
      << ",\"monitor\":" << store::jsonString(e.monitor) << ",\"count\":" << s.count
      << ",\"firstSeen\":" << s.firstSeen << ",\"lastSeen\":" << s.lastSeen
      << ",\"open\":" << (s.open ? "true" : "false") << ",\"closedAt\":" << s.closedAt
      << ",\"details\":{";
  for (size_t i = 0; i < e.details.size(); ++i) {
    out << (i ? "," : "") << store::jsonString(e.details[i].first) << ":"
        << store::jsonString(e.details[i].second);
  }
  out << "}}";
  return out.str();
}

void listEvents(EventsArgs& a) {
  if (a.storeUri.empty()) throw std::invalid_argument("--store (or ZENHUB_STORE) is required");
  a.query.open = a.all ? std::nullopt : std::optional<bool>(!a.closed);
  auto events = store::openEventStore(a.storeUri);
  auto found = events->list(a.query);
  if (a.json) {
    std::cout << "[";
    for (size_t i = 0; i < found.size(); ++i) std::cout << (i ? ",\n " : "") << eventJson(found[i]);
    std::cout << "]\n";
    return;
  }
  if (found.empty()) {
    std::cout << "no events\n";
    return;
  }
  std::cout << std::left << std::setw(21) << "LAST SEEN" << std::setw(9) << "SEVERITY"
            << std::setw(7) << "COUNT" << std::setw(6) << "STATE" << std::setw(18) << "DEVICE"
            << std::setw(14) << "COMPONENT" << std::setw(20) << "CLASS"
            << "SUMMARY\n";
  for (const auto& s : found) {
    std::cout << std::setw(21) << isoTime(s.lastSeen) << std::setw(9)
              << severityName(s.event.severity) << std::setw(7) << s.count << std::setw(6)
              << (s.open ? "open" : "closed") << std::setw(18) << s.event.device << std::setw(14)
              << s.event.component << std::setw(20) << s.event.eventClass << s.event.summary
              << "\n";
  }
}

}  // namespace

void addEventsCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<EventsArgs>();
  CLI::App* events = app.add_subcommand(
      "events", "list the events stored by the hub and its workers (newest first)");
  events->add_option("--store", args->storeUri, "store URI (as for `zenhubctl model`)")
      ->envname("ZENHUB_STORE");
  events->add_flag("--json", args->json, "print a JSON array for scripts");
  auto* closed =
      events->add_flag("--closed", args->closed, "closed (cleared) events instead of open ones");
  events->add_flag("--all", args->all, "open and closed events")->excludes(closed);
  events->add_option("--device", args->query.device, "only this device");
  events->add_option("--component", args->query.component, "only this component");
  events->add_option("--class", args->query.eventClass,
                     "only this event class and below, e.g. /Status");
  events
      ->add_option("--severity", args->query.minSeverity,
                   "minimum severity (0 clear .. 5 critical)")
      ->check(CLI::Range(0, 5));
  events->add_option("--limit", args->query.limit, "at most this many events")
      ->capture_default_str();
  events->callback([&exitCode, args] {
    try {
      listEvents(*args);
      exitCode = 0;
    } catch (const std::invalid_argument& e) {
      std::cerr << "zenhubctl events: " << e.what() << "\n";
      exitCode = 2;
    } catch (const std::exception& e) {
      std::cerr << "zenhubctl events: " << e.what() << "\n";
      exitCode = 1;
    }
  });
}

}  // namespace zenhub::ctl
