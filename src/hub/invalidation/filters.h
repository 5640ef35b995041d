// Invalidation filters: which changed objects the hub acts on. Each filter answers include,
// exclude or continue for an object's class and path; filters run in weight order (lowest
// first, ties in the order written) and the first answer that is not "continue" decides. An
// object no filter decides on is included. As in ZenHub, the default excludes classes that never
// change a collector's configuration.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zenhub::hub::invalidation {

enum class FilterDecision { kInclude, kExclude, kContinue };

struct FilterRule {
  std::string name;
  int weight = 100;
  bool include = false;              // the answer when the rule matches: include or exclude
  std::vector<std::string> classes;  // any of these classes; empty = every class
  std::string path;                  // this path and everything below it; empty = every path

  bool matches(std::string_view className, std::string_view objectPath) const;
  FilterDecision decide(std::string_view className, std::string_view objectPath) const {
    if (!matches(className, objectPath)) return FilterDecision::kContinue;
    return include ? FilterDecision::kInclude : FilterDecision::kExclude;
  }
};

class FilterChain {
 public:
  FilterChain() : FilterChain(defaults()) {}
  explicit FilterChain(std::vector<FilterRule> rules);

  bool includes(std::string_view className, std::string_view objectPath) const;
  const std::vector<FilterRule>& rules() const { return rules_; }

  // ZenHub's ignorable classes (IP networks and addresses, graphs, portlets, product classes,
  // software), plus the organizers above the collectors, which configure nothing.
  static std::vector<FilterRule> defaults();

 private:
  std::vector<FilterRule> rules_;
};

// True when `path` is `prefix` or lies below it ("/Devices/Lab" covers "/Devices/Lab/x", not
// "/Devices/Labs").
bool pathCovers(std::string_view prefix, std::string_view path);

}  // namespace zenhub::hub::invalidation
