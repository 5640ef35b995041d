#include "exposition_parser.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>

namespace zenhub::hub::http::testing {
namespace {

bool nameChar(char c, bool first, bool colon) {
  bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return letter || (!first && c >= '0' && c <= '9');
}

class Parser {
 public:
  Exposition run(std::string_view text) {
    if (!text.empty() && text.back() != '\n') fail("the text does not end with a newline");
    while (!text.empty()) {
      ++line_;
      auto end = text.find('\n');
      std::string_view current = text.substr(0, end);
      text.remove_prefix(end + 1);
      if (current.empty()) continue;
      if (current[0] == '#') {
        comment(current);
      } else {
        sample(current);
      }
    }
    line_ = 0;
    for (const auto& family : out_.families) {
      if (family.type.empty()) fail("HELP for " + family.name + " without a TYPE");
      if (family.type == "histogram") checkHistogram(family);
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error(line_ > 0 ? "line " + std::to_string(line_) + ": " + why : why);
  }

  std::string_view name(std::string_view& rest, bool colon) const {
    size_t n = 0;
    while (n < rest.size() && nameChar(rest[n], n == 0, colon)) ++n;
    if (n == 0) fail("expected a name at \"" + std::string(rest) + "\"");
    auto result = rest.substr(0, n);
    rest.remove_prefix(n);
    return result;
  }

  static double number(std::string_view token, bool& ok) {
    ok = true;
    if (token == "+Inf") return std::numeric_limits<double>::infinity();
    if (token == "-Inf") return -std::numeric_limits<double>::infinity();
    if (token == "NaN") return std::numeric_limits<double>::quiet_NaN();
    ok = !token.empty() && token.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
    if (!ok) return 0;
    std::string copy(token);
    char* end = nullptr;
    double value = std::strtod(copy.c_str(), &end);
    ok = end == copy.c_str() + copy.size();
    return value;
  }

  // "# HELP name text", "# TYPE name type"; other comments are ignored.
  void comment(std::string_view text) {
    bool help = text.substr(0, 7) == "# HELP ";
    if (!help && text.substr(0, 7) != "# TYPE ") return;
    std::string_view rest = text.substr(7);
    std::string metric(name(rest, true));
    if (!rest.empty() && rest[0] != ' ') fail("bad character after " + metric);
    if (!rest.empty()) rest.remove_prefix(1);
    auto [it, created] = index_.emplace(metric, out_.families.size());
    if (created) out_.families.push_back(ParsedFamily{metric, "", "", {}});
    ParsedFamily& family = out_.families[it->second];
    if (!family.samples.empty())
      fail((help ? "HELP" : "TYPE") + std::string(" after the samples of ") + metric);
    if (help) {
      if (helpSeen_.count(metric)) fail("second HELP for " + metric);
      helpSeen_.insert(metric);
      family.help = unescape(rest, false);
      return;
    }
    if (!family.type.empty()) fail("second TYPE for " + metric);
    static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram", "summary",
                                                      "untyped"};
    if (kTypes.count(rest) == 0) fail("unknown type \"" + std::string(rest) + "\"");
    family.type = rest;
  }

  std::string unescape(std::string_view text, bool quotes) const {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\\') {
        out.push_back(text[i]);
        continue;
      }
      char next = i + 1 < text.size() ? text[++i] : '\0';
      if (next == '\\') {
        out.push_back('\\');
      } else if (next == 'n') {
        out.push_back('\n');
      } else if (next == '"' && quotes) {
        out.push_back('"');
      } else {
        fail("bad escape in \"" + std::string(text) + "\"");
      }
    }
    return out;
  }

  std::map<std::string, std::string> labels(std::string_view& rest) {
    std::map<std::string, std::string> result;
    rest.remove_prefix(1);  // '{'
    while (true) {
      if (!rest.empty() && rest[0] == '}' && result.empty()) break;
      std::string label(name(rest, false));
      if (label.substr(0, 2) == "__") fail("reserved label name " + label);
      if (rest.substr(0, 2) != "=\"") fail("expected =\" after label " + label);
      rest.remove_prefix(2);
      size_t end = 0;
      while (end < rest.size() && rest[end] != '"') end += rest[end] == '\\' ? 2 : 1;
      if (end >= rest.size()) fail("unterminated value of label " + label);
      if (!result.emplace(label, unescape(rest.substr(0, end), true)).second)
        fail("label " + label + " twice");
      rest.remove_prefix(end + 1);
      if (!rest.empty() && rest[0] == ',') {
        rest.remove_prefix(1);
        continue;
      }
      if (rest.empty() || rest[0] != '}') fail("expected , or } after label " + label);
      break;
    }
    rest.remove_prefix(1);  // '}'
    return result;
  }

  // The family a sample name belongs to: its own, or the histogram it is a series of.
  size_t familyOf(const std::string& sampleName) const {
    if (auto it = index_.find(sampleName); it != index_.end()) {
      const auto& type = out_.families[it->second].type;
      if (type == "counter" || type == "gauge" || type == "untyped") return it->second;
    }
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (sampleName.size() <= suffix.size() ||
          sampleName.substr(sampleName.size() - suffix.size()) != suffix) {
        continue;
      }
      auto it = index_.find(sampleName.substr(0, sampleName.size() - suffix.size()));
      if (it == index_.end()) continue;
      const auto& type = out_.families[it->second].type;
      if (type == "histogram" || (type == "summary" && suffix != "_bucket")) return it->second;
    }
    fail("sample " + sampleName + " belongs to no family declared by TYPE before it");
  }

  void sample(std::string_view text) {
    std::string_view rest = text;
    ParsedSample parsed;
    parsed.name = name(rest, true);
    if (!rest.empty() && rest[0] == '{') parsed.labels = labels(rest);
    if (rest.empty() || rest[0] != ' ') fail("expected a space before the value of " + parsed.name);
    rest.remove_prefix(1);
    auto space = rest.find(' ');
    bool ok = false;
    parsed.value = number(rest.substr(0, space), ok);
    if (!ok) fail("bad value \"" + std::string(rest.substr(0, space)) + "\"");
    if (space != std::string_view::npos) {
      auto timestamp = rest.substr(space + 1);
      if (timestamp.empty() ||
          timestamp.find_first_not_of("-0123456789") != std::string_view::npos) {
        fail("bad timestamp \"" + std::string(timestamp) + "\"");
      }
    }

    size_t index = familyOf(parsed.name);
    if (current_ && *current_ != index) finished_.insert(*current_);
    if (finished_.count(index))
      fail("samples of " + out_.families[index].name + " are not contiguous");
    current_ = index;
    ParsedFamily& family = out_.families[index];

    std::string key = parsed.name;
    for (const auto& [label, value] : parsed.labels) key += "\x1f" + label + "=" + value;
    if (!keys_.insert(key).second) fail("sample " + parsed.name + " with the same labels twice");
    if (family.type == "counter" && !(parsed.value >= 0))
      fail("counter " + parsed.name + " is negative or NaN");
    bool bucket = family.type == "histogram" && parsed.name == family.name + "_bucket";
    if (bucket != (parsed.labels.count("le") == 1) && family.type == "histogram") {
      fail(bucket ? "bucket without le" : "le on " + parsed.name);
    }
    family.samples.push_back(std::move(parsed));
  }

  void checkHistogram(const ParsedFamily& family) {
    struct Series {
      std::vector<std::pair<double, double>> buckets;  // (le, count) in order
      std::optional<double> sum, count;
    };
    std::map<std::map<std::string, std::string>, Series> series;
    for (const auto& s : family.samples) {
      auto labels = s.labels;
      labels.erase("le");
      Series& one = series[labels];
      if (s.name == family.name + "_sum") {
        one.sum = s.value;
      } else if (s.name == family.name + "_count") {
        one.count = s.value;
      } else {
        bool ok = false;
        double le = number(s.labels.at("le"), ok);
        if (!ok || std::isnan(le)) fail(family.name + ": bad le \"" + s.labels.at("le") + "\"");
        one.buckets.emplace_back(le, s.value);
      }
    }
    for (const auto& [labels, one] : series) {
      if (one.buckets.empty() || !one.sum || !one.count)
        fail(family.name + ": a series lacks buckets, _sum or _count");
      for (size_t i = 1; i < one.buckets.size(); ++i) {
        if (!(one.buckets[i].first > one.buckets[i - 1].first))
          fail(family.name + ": le not increasing");
        if (one.buckets[i].second < one.buckets[i - 1].second)
          fail(family.name + ": buckets not cumulative");
      }
      if (one.buckets.back().first != std::numeric_limits<double>::infinity())
        fail(family.name + ": last bucket is not le=\"+Inf\"");
      if (one.buckets.back().second != *one.count)
        fail(family.name + ": +Inf bucket differs from _count");
    }
  }

  Exposition out_;
  std::map<std::string, size_t> index_;  // family name -> index in out_.families
  std::set<std::string> helpSeen_;
  std::set<size_t> finished_;  // families whose samples have ended
  std::optional<size_t> current_;
  std::set<std::string> keys_;  // sample name and labels
  int line_ = 0;
};

}  // namespace

const ParsedFamily* Exposition::family(std::string_view name) const {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<double> Exposition::value(std::string_view name,
                                        const std::map<std::string, std::string>& labels) const {
  for (const auto& f : families) {
    for (const auto& s : f.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
  }
  return std::nullopt;
}

Exposition parseExposition(std::string_view text) {
  return Parser().run(text);
}

}  // namespace zenhub::hub::http::testing
