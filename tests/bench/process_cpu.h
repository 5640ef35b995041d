// CPU time of processes, from /proc: where the time of a measured run went (the hub's thread,
// its workers, the client, the baseline server). Unlike calls/s, CPU per call hardly moves when
// other work shares the machine, so it explains a ratio that noise would otherwise hide.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace zenhub::bench {

// User + system seconds of `pid` (all its threads), and of its children it has reaped; 0 when
// it is gone.
struct ProcessCpu {
  double self = 0;
  double reapedChildren = 0;
};
inline ProcessCpu processCpu(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return {};
  // Fields after the command (which may hold spaces) start after the last ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  unsigned long long utime = 0, stime = 0, cutime = 0, cstime = 0;
  fields >> utime >> stime >> cutime >> cstime;
  auto tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return {static_cast<double>(utime + stime) / tick, static_cast<double>(cutime + cstime) / tick};
}

// How many times `pid` (its main thread) blocked and was woken again: a server that sleeps
// between calls pays a wake-up each time, which its CPU time includes.
inline uint64_t voluntarySwitches(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
      return std::stoull(line.substr(line.find(':') + 1));
  }
  return 0;
}

// The direct children of `pid` (a hub's workers).
inline std::vector<pid_t> childPids(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "children");
    pid_t child = 0;
    while (in >> child) out.push_back(child);
  }
  return out;
}

// This process's own CPU seconds (the load client).
inline double selfCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// CPU seconds of a server process, its children (workers, including those replaced during the
// run: the server reaps them) and this client, accumulated over runs.
class CpuMeter {
 public:
  explicit CpuMeter(pid_t server) : server_(server) {}
  template <typename Run>
  auto measure(Run&& run) {
    auto before = sample();
    double c0 = selfCpuSeconds();
    uint64_t w0 = voluntarySwitches(server_);
    auto result = run();
    clientSeconds += selfCpuSeconds() - c0;
    serverWakeups += voluntarySwitches(server_) - w0;
    auto after = sample();
    serverSeconds += after.self - before.self;
    childrenSeconds += after.reapedChildren - before.reapedChildren;
    return result;
  }
  double serverSeconds = 0, childrenSeconds = 0, clientSeconds = 0;
  uint64_t serverWakeups = 0;

 private:
  // The server's own time; its children's, live and reaped, as `reapedChildren`.
  ProcessCpu sample() const {
    auto cpu = processCpu(server_);
    for (auto pid : childPids(server_)) cpu.reapedChildren += processCpu(pid).self;
    return cpu;
  }

  pid_t server_;
};

}  // namespace zenhub::bench
