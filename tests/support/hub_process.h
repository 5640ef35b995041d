// HubProcess: starts the real zenhub binary for an integration test, with a temp directory,
// config and password file, on port 0. It waits for events (log lines, exit) with deadlines,
// never with sleeps, and always kills and reaps the process; on a failed test it prints the log.
// A reader thread drains the hub's stdout and stderr into a buffer from the start, so a hub that
// logs a lot (1,000 collectors connecting) never blocks on a full pipe between two reads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace zenhub::testing {

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to `name` inside the directory and returns the full path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

std::string binDir();  // build/bin, from the ZENHUB_BIN_DIR compile definition

class HubProcess {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kDeadline{10};

  // Writes `passwd` (default admin:zenoss, plaintext) and `configYaml` into a temp dir.
  explicit HubProcess(std::string configYaml = "", std::string passwd = "admin:zenoss\n");
  ~HubProcess();

  // Creates the store (model.db in the temp dir) with zenhubctl and loads `modelFile` (default:
  // the sample model) into it; start() then passes --store. Returns the store URI.
  std::string loadModel(const std::string& modelFile = "");
  std::string storeUri() const { return "sqlite://" + dir_.file("model.db"); }

  // Starts zenhub with --config, --passwd, --listen 127.0.0.1:0, --ready-file, --store plus
  // `extraArgs`; loads the sample model first unless a model was loaded or --store is given.
  void start(const std::vector<std::string>& extraArgs = {});
  // Starts zenhub with exactly `args` (for bad-config tests).
  void startRaw(const std::vector<std::string>& args);
  // Waits for {"event":"ready"} and reads the listeners; returns false at the deadline.
  bool waitReady(std::chrono::milliseconds deadline = kDeadline);
  uint16_t port(const std::string& listener = "rpc") const;
  // Waits until the ready file names listener `name` (before the hub is ready); its port, or 0.
  uint16_t waitListening(const std::string& name, std::chrono::milliseconds deadline = kDeadline);

  // Waits until the log contains `text` (searching from `from`, a log offset); returns the
  // offset just after it, or nullopt at the deadline.
  std::optional<size_t> waitForLog(const std::string& text, size_t from = 0,
                                   std::chrono::milliseconds deadline = kDeadline);
  // All output so far: a snapshot, valid until the next call of log(), waitForLog() or
  // waitExit().
  const std::string& log();
  size_t logSize() { return log().size(); }

  void signal(int sig);
  // Waits for the process to exit; returns its exit code (128+signal when killed), or nullopt
  // at the deadline.
  std::optional<int> waitExit(std::chrono::milliseconds deadline = kDeadline);
  pid_t pid() const { return pid_; }
  TempDir& dir() { return dir_; }
  std::string configPath() const { return dir_.file("zenhub.yaml"); }
  std::string passwdPath() const { return dir_.file("hubpasswd"); }

 private:
  // The reader thread: appends the pipe's output to output_ until end of file or stop().
  void readOutput();
  void stopReader();
  // Copies what the reader has appended since into log_. Caller holds outputMutex_.
  void syncLog();

  TempDir dir_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stderrFd_ = -1;
  int stopFd_ = -1;  // an eventfd: written to stop the reader thread
  std::thread reader_;
  std::mutex outputMutex_;              // guards output_ and outputEnded_
  std::condition_variable outputGrew_;  // more output, or its end
  std::string output_;                  // written by the reader thread
  bool outputEnded_ = false;
  std::string log_;  // the caller's snapshot of output_
  std::optional<int> exitCode_;
  std::map<std::string, uint16_t> ports_;
  bool haveStore_ = false;
};

// A blocking HTTP/1.1 GET to 127.0.0.1:port (Connection: close): the status code (0 when the
// connection fails) and the body.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
HttpAnswer httpGet(uint16_t port, const std::string& path);

// Runs a shell command, returns its exit code and (in `output`) its stdout and stderr.
int runCommand(const std::string& command, std::string* output = nullptr);

}  // namespace zenhub::testing
