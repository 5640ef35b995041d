// WatchProcess: a real `zenhubctl watch` collector for integration tests. It logs in to the hub,
// registers a listener on one service for one monitor and prints each push as a JSON line; the
// test waits for lines (with deadlines, never sleeps). Killed and reaped on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace zenhub::testing {

class WatchProcess {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kDeadline{15};

  // `passwordFile` holds the password of user admin on its first line.
  WatchProcess(uint16_t port, const std::string& monitor, const std::string& service,
               const std::string& passwordFile, const std::vector<std::string>& extraArgs = {});
  // Any collector program that prints lines: `argv[0]` is the executable's path.
  explicit WatchProcess(std::vector<std::string> argv);
  ~WatchProcess();
  WatchProcess(const WatchProcess&) = delete;
  WatchProcess& operator=(const WatchProcess&) = delete;

  // Waits for a stdout line at index >= `from` containing every needle; returns its index.
  std::optional<size_t> waitFor(const std::vector<std::string>& needles, size_t from = 0,
                                std::chrono::milliseconds deadline = kDeadline);
  // The lines so far (a line is complete once its newline arrived).
  const std::vector<std::string>& lines();
  // Every line so far containing all the needles.
  std::vector<std::string> matching(const std::vector<std::string>& needles);
  // stdout and stderr so far, for failure messages.
  std::string transcript();
  void kill(int sig);
  pid_t pid() const { return pid_; }

 private:
  void drain(int timeoutMs);

  pid_t pid_ = -1;
  int outFd_ = -1;
  int errFd_ = -1;
  std::string partial_;
  std::string err_;
  std::vector<std::string> lines_;
};

}  // namespace zenhub::testing
