// The Prometheus text exposition format, version 0.0.4 (what GET /metrics answers), and the
// histogram the hub keeps for latencies.
//
// PrometheusWriter collects samples from any number of places and writes each family once: its
// `# HELP` and `# TYPE` lines, then all its samples, families in the order first seen. Mistakes
// that would make the output invalid are bugs in the caller and throw std::logic_error: an
// invalid metric or label name, a name used with two types, a histogram whose _bucket, _sum or
// _count clashes with another family, a label called `le` on a histogram, the same label twice,
// the same (name, labels) twice, a negative or NaN counter.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zenhub::hub::http {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

// Label name and value pairs, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Counts of observations in fixed buckets, plus their sum: a Prometheus histogram's state.
class Histogram {
 public:
  // `upperBounds` must be finite and strictly increasing (std::invalid_argument otherwise); the
  // +Inf bucket is implied.
  explicit Histogram(std::vector<double> upperBounds = defaultLatencyBounds());

  // Counts `value` in the first bucket whose bound is >= value. NaN is ignored.
  void observe(double value);
  void observe(std::chrono::nanoseconds elapsed) {
    observe(std::chrono::duration<double>(elapsed).count());
  }

  const std::vector<double>& upperBounds() const { return bounds_; }
  // Per bucket, not cumulative: upperBounds().size() + 1 entries, the last for values above
  // every bound.
  const std::vector<uint64_t>& bucketCounts() const { return counts_; }
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

  // Seconds, 1 ms to 2 minutes: service calls range from cached answers to worker timeouts.
  static std::vector<double> defaultLatencyBounds();

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
};

class PrometheusWriter {
 public:
  void counter(std::string_view name, std::string_view help, const Labels& labels, double value);
  void gauge(std::string_view name, std::string_view help, const Labels& labels, double value);
  void histogram(std::string_view name, std::string_view help, const Labels& labels,
                 const Histogram& histogram);

  // The exposition; ends with a newline (empty when nothing was added).
  std::string text() const;

 private:
  struct Family {
    std::string name;
    MetricType type;
    std::string help;
    std::string samples;         // rendered lines
    std::set<std::string> seen;  // rendered label sets, to refuse duplicates
  };

  // The family `name` of `type`, created on first use; `help` is kept from the first call.
  Family& family(std::string_view name, MetricType type, std::string_view help);
  // `{a="x",b="y"}` (with `extra` appended, for `le`), or "" without labels. Checks the names.
  static std::string renderLabels(const Labels& labels, const std::string& extra = "");
  void addSample(std::string_view name, MetricType type, std::string_view help,
                 const Labels& labels, double value);

  std::vector<Family> families_;
  std::map<std::string, size_t, std::less<>> byName_;            // family name -> index
  std::map<std::string, std::string, std::less<>> sampleNames_;  // sample name -> family name
};

// Helpers of the format, exposed for tests and for the hub's own checks.
bool isValidMetricName(std::string_view name);  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool isValidLabelName(std::string_view name);   // [a-zA-Z_][a-zA-Z0-9_]*, not starting "__"
// A sample value or `le` bound: shortest round-trip decimal, "+Inf", "-Inf" or "NaN".
std::string formatValue(double value);

}  // namespace zenhub::hub::http
