// A strict parser of the Prometheus text exposition format 0.0.4, for tests: what /metrics
// answers must pass it. Stricter than Prometheus itself where our writer promises more:
// - every sample belongs to a family declared by `# TYPE` before it (histograms: the _bucket,
//   _sum and _count of a declared histogram), and a family's samples are contiguous;
// - at most one HELP and one TYPE per family, both before its samples;
// - metric and label names valid, label values escaped only with \\ \" \n, no label twice;
// - no (sample name, label set) twice; counters not negative;
// - histograms: per label set, buckets in increasing `le` with cumulative (non-decreasing)
//   counts, ending with le="+Inf" equal to _count; _sum and _count present.
// Violations throw std::runtime_error naming the line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zenhub::hub::http::testing {

struct ParsedSample {
  std::string name;  // as written, with any _bucket/_sum/_count suffix
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ParsedFamily {
  std::string name;
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::string help;
  std::vector<ParsedSample> samples;
};

struct Exposition {
  std::vector<ParsedFamily> families;  // in the order declared

  const ParsedFamily* family(std::string_view name) const;
  // The value of the sample `name` with exactly `labels`, if present.
  std::optional<double> value(std::string_view name,
                              const std::map<std::string, std::string>& labels = {}) const;
};

Exposition parseExposition(std::string_view text);

}  // namespace zenhub::hub::http::testing
