// Problems a service finds in the model while building configs (a command that cannot be
// substituted, a bad cycle time) are reported as events, like ZenHub does, rather than failing
// the call: one bad datasource must not cost a collector its whole configuration.
#pragma once

#include <string>
#include <vector>

#include "store/event_store.h"

namespace zenhub::services {

class ProblemReporter {
 public:
  // `events` may be null: problems are then only counted.
  ProblemReporter(store::EventStore* events, std::string agent, std::string monitor)
      : events_(events), agent_(std::move(agent)), monitor_(std::move(monitor)) {}
  ~ProblemReporter() { flush(); }
  ProblemReporter(const ProblemReporter&) = delete;
  ProblemReporter& operator=(const ProblemReporter&) = delete;

  // Stores what is pending as one batch (an event store failure is swallowed: reporting must not
  // break the call that found the problem).
  void flush();

  void report(const std::string& device, const std::string& component,
              const std::string& eventClass, const std::string& eventKey,
              const std::string& summary, int severity = 3);
  size_t count() const { return count_; }

 private:
  store::EventStore* events_;
  std::string agent_;
  std::string monitor_;
  std::vector<store::EventRecord> pending_;
  size_t count_ = 0;
};

}  // namespace zenhub::services
