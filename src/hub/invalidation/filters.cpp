#include "hub/invalidation/filters.h"

#include <algorithm>

namespace zenhub::hub::invalidation {

bool pathCovers(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return true;
  if (prefix.back() == '/') prefix.remove_suffix(1);
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool FilterRule::matches(std::string_view className, std::string_view objectPath) const {
  if (!classes.empty() && std::find(classes.begin(), classes.end(), className) == classes.end()) return false;
  return pathCovers(path, objectPath);
}

FilterChain::FilterChain(std::vector<FilterRule> rules) : rules_(std::move(rules)) {
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const FilterRule& a, const FilterRule& b) { return a.weight < b.weight; });
}

bool FilterChain::includes(std::string_view className, std::string_view objectPath) const {
  for (const auto& rule : rules_) {
    switch (rule.decide(className, objectPath)) {
      case FilterDecision::kInclude:
        return true;
      case FilterDecision::kExclude:
        return false;
      case FilterDecision::kContinue:
        break;
    }
  }
  return true;
}

std::vector<FilterRule> FilterChain::defaults() {
  return {
      FilterRule{"ignorable-classes", 10, false,
                 {"IpNetwork", "IpAddress", "GraphDefinition", "GraphPoint", "GraphReport", "Portlet",
                  "ProductClass", "Software", "Organizer"},
                 ""},
  };
}

}  // namespace zenhub::hub::invalidation
