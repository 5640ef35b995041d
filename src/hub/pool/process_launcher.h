// Starting worker processes: the OS effect behind the pool, as a small interface. The real one
// uses Boost.Process on the hub's io_context; its on_exit owns SIGCHLD (an asio signal_set) and
// is the only reaper of workers: nothing else may waitpid() them.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zenhub::hub::pool {

// How to start a worker: the zenhubworker binary and its arguments (store, plugins, ...).
struct WorkerCommand {
  std::string exe;
  std::vector<std::string> args;
};

// A started worker process. Its pipes are taken once by the shell.
class WorkerProcess {
 public:
  virtual ~WorkerProcess() = default;
  virtual pid_t pid() const = 0;
  // Sends a signal unless the process has been reaped (so a reused pid is never hit).
  virtual void signal(int sig) = 0;
  // Resident set size from /proc/<pid>/statm; 0 when unknown.
  virtual uint64_t rssBytes() const = 0;
  virtual boost::asio::posix::stream_descriptor takeStdin() = 0;   // we write its requests
  virtual boost::asio::posix::stream_descriptor takeStdout() = 0;  // we read its answers
  virtual boost::asio::posix::stream_descriptor takeStderr() = 0;  // its log lines
};

class ProcessLauncher {
 public:
  // `status` is the raw wait status (WIFEXITED / WIFSIGNALED apply).
  using OnExit = std::function<void(int status)>;
  virtual ~ProcessLauncher() = default;
  // Starts the process; `onExit` runs on the io_context once it has been reaped. Throws
  // std::runtime_error when it cannot start.
  virtual std::unique_ptr<WorkerProcess> launch(const WorkerCommand& command, OnExit onExit) = 0;
};

class BoostProcessLauncher final : public ProcessLauncher {
 public:
  // `io` must outlive the launcher and every process it started.
  explicit BoostProcessLauncher(boost::asio::io_context& io) : io_(io) {}
  std::unique_ptr<WorkerProcess> launch(const WorkerCommand& command, OnExit onExit) override;

 private:
  boost::asio::io_context& io_;
};

// "exit 3", "signal 9 (Killed)".
std::string describeWaitStatus(int status);
// Resident set size of `pid` from /proc/<pid>/statm; 0 when unreadable.
uint64_t readRssBytes(pid_t pid);

}  // namespace zenhub::hub::pool
