#include "hub/pool/process_launcher.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/args.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/async.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace bp = boost::process;

namespace zenhub::hub::pool {

namespace {

// In the child, between fork and exec: every descriptor above stderr is closed on exec, so a
// worker holds no other worker's pipes (its EOF would never come) nor the hub's sockets. Marking
// rather than closing keeps Boost.Process's own exec-error pipe working. (bp::limit_handles
// does this job in later Boost versions; in 1.74 it breaks the async pipes.)
void closeOtherDescriptorsOnExec() {
  if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) == 0) return;
  long max = ::sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 65536) max = 65536;
  for (int fd = 3; fd < max; ++fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

class BoostWorkerProcess final : public WorkerProcess {
 public:
  explicit BoostWorkerProcess(boost::asio::io_context& io)
      : stdin_(io), stdout_(io), stderr_(io) {}
  ~BoostWorkerProcess() override {
    *alive_ = false;
    // Never let bp::child's destructor terminate or waitpid(): the exit handler reaps.
    if (child_.valid()) child_.detach();
  }

  void start(const WorkerCommand& command, ProcessLauncher::OnExit onExit, boost::asio::io_context& io) {
    auto alive = alive_;
    auto* self = this;
    std::error_code ec;
    child_ = bp::child(
        bp::exe = command.exe, bp::args = command.args, bp::std_in < stdin_, bp::std_out > stdout_,
        bp::std_err > stderr_, io, ec,
        bp::extend::on_exec_setup = [](auto&) { closeOtherDescriptorsOnExec(); },
        bp::on_exit([alive, self, &io, onExit = std::move(onExit)](int, const std::error_code&) {
          if (!*alive) return;  // the pool is gone
          self->reaped_ = true;
          // Posted, never run here: Boost 1.74's sigchld_service calls this while iterating its
          // receivers, and a respawn from inside would add one and invalidate that iteration.
          boost::asio::post(io, [alive, self, onExit]() {
            if (*alive) onExit(self->child_.native_exit_code());
          });
        }));
    if (ec) throw std::runtime_error("cannot start " + command.exe + ": " + ec.message());
    pid_ = child_.id();
  }

  pid_t pid() const override { return pid_; }
  void signal(int sig) override {
    if (!reaped_ && pid_ > 0) ::kill(pid_, sig);
  }
  uint64_t rssBytes() const override { return reaped_ ? 0 : readRssBytes(pid_); }
  boost::asio::posix::stream_descriptor takeStdin() override { return std::move(stdin_).sink(); }
  boost::asio::posix::stream_descriptor takeStdout() override { return std::move(stdout_).source(); }
  boost::asio::posix::stream_descriptor takeStderr() override { return std::move(stderr_).source(); }

 private:
  bp::async_pipe stdin_;
  bp::async_pipe stdout_;
  bp::async_pipe stderr_;
  bp::child child_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<WorkerProcess> BoostProcessLauncher::launch(const WorkerCommand& command, OnExit onExit) {
  auto process = std::make_unique<BoostWorkerProcess>(io_);
  process->start(command, std::move(onExit), io_);
  return process;
}

std::string describeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

uint64_t readRssBytes(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace zenhub::hub::pool
