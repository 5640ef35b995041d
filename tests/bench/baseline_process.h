// The baseline server of the RPC scenarios: `zenhub-bench serve-baseline` (a plain
// capnp::EzRpcServer serving the same Login/Hub.ping), run as a child process.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench.h"

namespace zenhub::bench {

class BaselineProcess {
 public:
  BaselineProcess(const Options& options, const std::string& portFile) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string self = options.binDir + "/zenhub-bench";
      ::execl(self.c_str(), self.c_str(), "serve-baseline", portFile.c_str(), nullptr);
      ::_exit(127);
    }
    // The port file is written atomically (rename); wait for it with a deadline.
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      std::ifstream in(portFile);
      if (in >> port_) return;
      std::this_thread::yield();
    }
    throw std::runtime_error("baseline server did not start");
  }
  ~BaselineProcess() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  BaselineProcess(const BaselineProcess&) = delete;
  BaselineProcess& operator=(const BaselineProcess&) = delete;
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// One measurement against its baseline: medians, ratio, target and pass.
inline void reportRatio(const char* scenario, const std::string& metric, const std::vector<double>& measured,
                        const std::vector<double>& baseline, const std::string& baselineName, bool higherIsBetter,
                        double target, const Options& o) {
  double m = median(measured), b = median(baseline);
  double ratio = b > 0 ? m / b : 0;
  bool pass = higherIsBetter ? ratio >= target : ratio <= target;
  Json()
      .set("scenario", scenario)
      .set("metric", metric)
      .set("median", m)
      .set("baseline", baselineName)
      .set("baseline_median", b)
      .set("ratio", ratio)
      .set("target", std::string(higherIsBetter ? ">= " : "<= ") + std::to_string(target))
      .set("pass", pass)
      .set("repetitions", o.repetitions)
      .print();
}

}  // namespace zenhub::bench
