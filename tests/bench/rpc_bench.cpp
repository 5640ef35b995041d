// Scenario `throughput`: ping calls/s through the hub's RPC front end (the real zenhub binary:
// asio loop, KJ-on-asio port, login, connection limits) against a plain capnp::EzRpcServer
// serving the same interface, driven by the same client in the same run. Also the sequential
// round trip of one connection (latency), against the same baseline.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "hub_process.h"
#include "ping_load.h"
#include "scenarios.h"

namespace zenhub::bench {

namespace {

// The baseline server, a child process of the bench (zenhub-bench serve-baseline).
class Baseline {
 public:
  Baseline(const Options& options, const std::string& portFile) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string self = options.binDir + "/zenhub-bench";
      ::execl(self.c_str(), self.c_str(), "serve-baseline", portFile.c_str(), nullptr);
      ::_exit(127);
    }
    // Wait for the port file (written atomically by rename) with a deadline.
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      std::ifstream in(portFile);
      if (in >> port_) return;
      std::this_thread::yield();
    }
    throw std::runtime_error("baseline server did not start");
  }
  ~Baseline() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

void report(const char* scenario, const char* metric, const std::vector<double>& hub,
            const std::vector<double>& base, bool higherIsBetter, double target, const Options& o) {
  double h = median(hub), b = median(base);
  double ratio = b > 0 ? h / b : 0;
  bool pass = higherIsBetter ? ratio >= target : ratio <= target;
  Json()
      .set("scenario", scenario)
      .set("metric", metric)
      .set("hub_median", h)
      .set("baseline", "capnp::EzRpcServer, same schema, same client")
      .set("baseline_median", b)
      .set("ratio", ratio)
      .set("target", std::string(higherIsBetter ? ">= " : "<= ") + std::to_string(target))
      .set("pass", pass)
      .set("repetitions", o.repetitions)
      .print();
}

}  // namespace

int runThroughput(const Options& options) {
  testing::HubProcess hub;
  hub.start({"--log-level", "warn"});
  if (!hub.waitReady()) throw std::runtime_error("zenhub did not become ready:\n" + hub.log());
  Baseline baseline(options, options.workDir + "/baseline.port");

  auto duration = std::chrono::milliseconds(options.quick ? 300 : 2000);
  std::vector<double> hubPipelined, basePipelined, hubSeq, baseSeq;
  for (int r = 0; r < options.repetitions; ++r) {
    // Alternate so that drift of a noisy machine hits both sides alike.
    hubPipelined.push_back(runPingLoad(hub.port(), 8, 100, duration, "admin", "zenoss").callsPerSecond());
    basePipelined.push_back(runPingLoad(baseline.port(), 8, 100, duration, "admin", "zenoss").callsPerSecond());
    hubSeq.push_back(1e6 / runPingLoad(hub.port(), 1, 1, duration, "admin", "zenoss").callsPerSecond());
    baseSeq.push_back(1e6 / runPingLoad(baseline.port(), 1, 1, duration, "admin", "zenoss").callsPerSecond());
  }
  report("throughput", "ping calls/s, 8 connections x 100 in flight", hubPipelined, basePipelined, true, 0.8,
         options);
  report("throughput", "ping round trip us, 1 connection sequential", hubSeq, baseSeq, false, 1.25, options);
  return 0;
}

}  // namespace zenhub::bench
