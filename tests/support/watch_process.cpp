#include "watch_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "hub_process.h"

namespace zenhub::testing {

namespace {
std::vector<std::string> watchArgs(uint16_t port, const std::string& monitor, const std::string& service,
                                   const std::string& passwordFile, const std::vector<std::string>& extraArgs) {
  std::vector<std::string> args = {binDir() + "/zenhubctl", "watch", "--hub", "127.0.0.1:" + std::to_string(port),
                                   "--monitor", monitor, "--password-file", passwordFile};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  args.push_back(service);
  return args;
}
}  // namespace

WatchProcess::WatchProcess(uint16_t port, const std::string& monitor, const std::string& service,
                           const std::string& passwordFile, const std::vector<std::string>& extraArgs)
    : WatchProcess(watchArgs(port, monitor, service, passwordFile, extraArgs)) {}

WatchProcess::WatchProcess(std::vector<std::string> args) {
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::string exe = args.at(0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execv(exe.c_str(), argv.data());
    std::perror(("execv " + exe).c_str());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  outFd_ = out[0];
  errFd_ = err[0];
  ::fcntl(outFd_, F_SETFL, O_NONBLOCK);
  ::fcntl(errFd_, F_SETFL, O_NONBLOCK);
}

WatchProcess::~WatchProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (outFd_ >= 0) ::close(outFd_);
  if (errFd_ >= 0) ::close(errFd_);
}

void WatchProcess::kill(int sig) { ::kill(pid_, sig); }

void WatchProcess::drain(int timeoutMs) {
  pollfd fds[2] = {{outFd_, POLLIN, 0}, {errFd_, POLLIN, 0}};
  if (::poll(fds, 2, timeoutMs) <= 0) return;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(outFd_, buf, sizeof buf);
    if (n <= 0) break;
    partial_.append(buf, static_cast<size_t>(n));
  }
  for (;;) {
    ssize_t n = ::read(errFd_, buf, sizeof buf);
    if (n <= 0) break;
    err_.append(buf, static_cast<size_t>(n));
  }
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines_.push_back(partial_.substr(start, nl - start));
  }
  partial_.erase(0, start);
}

const std::vector<std::string>& WatchProcess::lines() {
  drain(0);
  return lines_;
}

std::vector<std::string> WatchProcess::matching(const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  for (const auto& line : lines()) {
    bool all = true;
    for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
    if (all) out.push_back(line);
  }
  return out;
}

std::optional<size_t> WatchProcess::waitFor(const std::vector<std::string>& needles, size_t from,
                                            std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  for (;;) {
    drain(0);
    for (size_t i = from; i < lines_.size(); ++i) {
      bool all = true;
      for (const auto& n : needles) all = all && lines_[i].find(n) != std::string::npos;
      if (all) return i;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    drain(static_cast<int>(std::min<long>(left, 100)));  // waits for output, not a sleep
  }
}

std::string WatchProcess::transcript() {
  drain(0);
  std::string out;
  for (const auto& l : lines_) out += l + "\n";
  return out + partial_ + "--- stderr ---\n" + err_;
}

}  // namespace zenhub::testing
