#include "test_process.h"

#include <poll.h>
#include <sys/syscall.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace zenhub::store::testing {

namespace {
std::string slurp(const std::string& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

std::string zenhubctl() { return std::string(ZENHUB_BIN_DIR) + "/zenhubctl"; }

Child::Child(const std::vector<std::string>& argv, const std::string& dir) {
  static std::atomic<int> counter{0};
  int n = counter++;
  outFile_ = dir + "/child" + std::to_string(n) + ".out";
  errFile_ = dir + "/child" + std::to_string(n) + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, outFile_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, errFile_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool Child::running() {
  if (pid_ <= 0) return false;
  pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

ProcessResult Child::wait(int timeoutMs) {
  // Wait for the child's exit (a pidfd becomes readable) with a deadline.
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (fd >= 0) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, timeoutMs);
    ::close(fd);
    if (ready == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      pid_ = -1;
      return {-1, slurp(outFile_), slurp(errFile_) + "\n[killed after timeout]"};
    }
  }
  if (pid_ > 0) {
    ::waitpid(pid_, &status_, 0);  // it has exited: this reaps it at once
    pid_ = -1;
  }
  int code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  return {code, slurp(outFile_), slurp(errFile_)};
}

ProcessResult run(const std::vector<std::string>& argv, const std::string& dir) { return Child(argv, dir).wait(); }

}  // namespace zenhub::store::testing
