#include "hub/http/prometheus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace zenhub::hub::http {
namespace {

bool isNameStart(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}

bool isNameChar(char c, bool colon) {
  return isNameStart(c, colon) || (c >= '0' && c <= '9');
}

bool isValidName(std::string_view name, bool colon) {
  if (name.empty() || !isNameStart(name[0], colon)) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return isNameChar(c, colon); });
}

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const char* typeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool isValidMetricName(std::string_view name) {
  return isValidName(name, true);
}

bool isValidLabelName(std::string_view name) {
  return isValidName(name, false) && name.substr(0, 2) != "__";
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

Histogram::Histogram(std::vector<double> upperBounds) : bounds_(std::move(upperBounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[static_cast<size_t>(bucket)];
  ++count_;
  sum_ += value;
}

std::vector<double> Histogram::defaultLatencyBounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
}

PrometheusWriter::Family& PrometheusWriter::family(std::string_view name, MetricType type,
                                                   std::string_view help) {
  if (auto it = byName_.find(name); it != byName_.end()) {
    Family& existing = families_[it->second];
    if (existing.type != type) {
      throw std::logic_error(fmt::format("metric {} is a {}, not a {}", name,
                                         typeName(existing.type), typeName(type)));
    }
    return existing;
  }
  if (!isValidMetricName(name))
    throw std::logic_error(fmt::format("invalid metric name \"{}\"", name));
  std::vector<std::string> produced;
  if (type == MetricType::kHistogram) {
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      produced.push_back(std::string(name) + suffix);
  } else {
    produced.emplace_back(name);
  }
  for (const auto& sample : produced) {
    if (auto clash = sampleNames_.find(sample); clash != sampleNames_.end()) {
      throw std::logic_error(fmt::format("metric {}: sample name {} already belongs to {}", name,
                                         sample, clash->second));
    }
  }
  for (const auto& sample : produced) sampleNames_.emplace(sample, name);
  byName_.emplace(name, families_.size());
  families_.push_back(Family{std::string(name), type, std::string(help), {}, {}});
  return families_.back();
}

std::string PrometheusWriter::renderLabels(const Labels& labels, const std::string& extra) {
  std::string out;
  std::set<std::string_view> names;
  for (const auto& [name, value] : labels) {
    if (!isValidLabelName(name))
      throw std::logic_error(fmt::format("invalid label name \"{}\"", name));
    if (!names.insert(name).second)
      throw std::logic_error(fmt::format("label {} given twice", name));
    out += out.empty() ? "{" : ",";
    out += name + "=\"" + escape(value, true) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "{" : ",") + extra;
  if (!out.empty()) out += "}";
  return out;
}

void PrometheusWriter::addSample(std::string_view name, MetricType type, std::string_view help,
                                 const Labels& labels, double value) {
  std::string rendered = renderLabels(labels);
  Family& f = family(name, type, help);
  if (!f.seen.insert(rendered).second) {
    throw std::logic_error(fmt::format("sample {}{} added twice", name, rendered));
  }
  f.samples += fmt::format("{}{} {}\n", name, rendered, formatValue(value));
}

void PrometheusWriter::counter(std::string_view name, std::string_view help, const Labels& labels,
                               double value) {
  if (!(value >= 0))
    throw std::logic_error(fmt::format("counter {} given {}", name, formatValue(value)));
  addSample(name, MetricType::kCounter, help, labels, value);
}

void PrometheusWriter::gauge(std::string_view name, std::string_view help, const Labels& labels,
                             double value) {
  addSample(name, MetricType::kGauge, help, labels, value);
}

void PrometheusWriter::histogram(std::string_view name, std::string_view help, const Labels& labels,
                                 const Histogram& histogram) {
  for (const auto& label : labels) {
    if (label.first == "le")
      throw std::logic_error(fmt::format("histogram {}: label le is reserved", name));
  }
  std::string rendered = renderLabels(labels);
  Family& f = family(name, MetricType::kHistogram, help);
  if (!f.seen.insert(rendered).second) {
    throw std::logic_error(fmt::format("histogram {}{} added twice", name, rendered));
  }
  const auto& bounds = histogram.upperBounds();
  const auto& counts = histogram.bucketCounts();
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += counts[i];
    double bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    f.samples += fmt::format("{}_bucket{} {}\n", name,
                             renderLabels(labels, "le=\"" + formatValue(bound) + "\""), cumulative);
  }
  f.samples += fmt::format("{}_sum{} {}\n", name, rendered, formatValue(histogram.sum()));
  f.samples += fmt::format("{}_count{} {}\n", name, rendered, histogram.count());
}

std::string PrometheusWriter::text() const {
  std::string out;
  for (const auto& f : families_) {
    if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", f.name, escape(f.help, false));
    out += fmt::format("# TYPE {} {}\n", f.name, typeName(f.type));
    out += f.samples;
  }
  return out;
}

}  // namespace zenhub::hub::http
