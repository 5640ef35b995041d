#include "services/problem_reporter.h"

namespace zenhub::services {

void ProblemReporter::flush() {
  if (events_ == nullptr || pending_.empty()) return;
  try {
    events_->write(pending_);
  } catch (const std::exception&) {
    // The store is failing: the collector still gets its configs.
  }
  pending_.clear();
}

void ProblemReporter::report(const std::string& device, const std::string& component,
                             const std::string& eventClass, const std::string& eventKey,
                             const std::string& summary, int severity) {
  ++count_;
  store::EventRecord e;
  e.device = device;
  e.component = component;
  e.eventClass = eventClass;
  e.eventKey = eventKey;
  e.summary = summary;
  e.severity = severity;
  e.agent = agent_;
  e.monitor = monitor_;
  pending_.push_back(std::move(e));
}

}  // namespace zenhub::services
