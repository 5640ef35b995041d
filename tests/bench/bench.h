// Shared pieces of zenhub-bench: options, statistics and the one-line JSON result each scenario
// prints. Scenarios live in their own files and are listed in main.cpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace zenhub::bench {

struct Options {
  std::string binDir;      // where zenhub, zenhubctl, zenhubworker are (build/bin)
  std::string workDir;     // scratch directory for stores, configs, logs
  int repetitions = 3;     // medians are taken over this many runs
  bool quick = false;      // smaller sizes, for the smoke run in ctest
  std::string pgUri;       // PostgreSQL URI, empty when no server is available
};

// Seconds on the steady clock since `start`.
inline double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// A flat JSON object written on one line, in insertion order.
class Json {
 public:
  Json& set(const std::string& key, const std::string& value) {
    std::string escaped;
    for (char c : value) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    return raw(key, "\"" + escaped + "\"");
  }
  Json& set(const std::string& key, const char* value) { return set(key, std::string(value)); }
  Json& set(const std::string& key, double value) {
    std::ostringstream s;
    s.precision(6);
    s << value;
    return raw(key, s.str());
  }
  Json& set(const std::string& key, int value) { return raw(key, std::to_string(value)); }
  Json& set(const std::string& key, long value) { return raw(key, std::to_string(value)); }
  Json& set(const std::string& key, bool value) { return raw(key, value ? "true" : "false"); }
  Json& raw(const std::string& key, const std::string& json) {
    body_ += (body_.empty() ? "" : ",") + ("\"" + key + "\":") + json;
    return *this;
  }
  std::string str() const { return "{" + body_ + "}"; }
  void print() const {
    std::printf("%s\n", str().c_str());
    std::fflush(stdout);
  }

 private:
  std::string body_;
};

}  // namespace zenhub::bench
