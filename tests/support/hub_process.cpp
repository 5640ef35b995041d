#include "hub_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace zenhub::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "zenhub-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  std::string p = file(name);
  std::ofstream out(p, std::ios::trunc);
  out << text;
  return p;
}

std::string binDir() { return ZENHUB_BIN_DIR; }

HubProcess::HubProcess(std::string configYaml, std::string passwd) {
  dir_.write("zenhub.yaml", configYaml);
  dir_.write("hubpasswd", passwd);
}

HubProcess::~HubProcess() {
  if (pid_ > 0 && !exitCode_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (pidfd_ >= 0) ::close(pidfd_);
  stopReader();  // its workers may still hold the pipe: stop reading, do not wait for the end
  if (stderrFd_ >= 0) ::close(stderrFd_);
  if (stopFd_ >= 0) ::close(stopFd_);
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- zenhub log (pid " << pid_ << ") ----\n" << log() << "---- end of log ----\n";
  }
}

int runCommand(const std::string& command, std::string* output) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  if (output != nullptr) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string HubProcess::loadModel(const std::string& modelFile) {
  std::string file = modelFile.empty() ? std::string(ZENHUB_SOURCE_DIR) + "/config/sample-model.yaml" : modelFile;
  std::string ctl = binDir() + "/zenhubctl model --store " + storeUri();
  std::string out;
  if (runCommand(ctl + " init", &out) != 0 || runCommand(ctl + " load " + file, &out) != 0) {
    throw std::runtime_error("cannot load the model: " + out);
  }
  haveStore_ = true;
  return storeUri();
}

void HubProcess::start(const std::vector<std::string>& extraArgs) {
  // The hub's workers need a model: the sample one unless the test loaded its own or names a
  // store itself.
  bool storeGiven = std::find(extraArgs.begin(), extraArgs.end(), "--store") != extraArgs.end();
  if (!haveStore_ && !storeGiven) loadModel();
  std::vector<std::string> args = {"--config", configPath(), "--passwd", passwdPath(), "--ready-file",
                                   dir_.file("ready.json")};
  // Every hub of a test gets free ports (tests run in parallel).
  if (std::find(extraArgs.begin(), extraArgs.end(), "--status-listen") == extraArgs.end()) {
    args.push_back("--status-listen");
    args.push_back("127.0.0.1:0");
  }
  if (std::find(extraArgs.begin(), extraArgs.end(), "--xmlrpc-listen") == extraArgs.end()) {
    args.push_back("--xmlrpc-listen");
    args.push_back("127.0.0.1:0");
  }
  // ...and a state directory of its own (saved counters, a kept pause), never /var/lib/zenhub.
  if (std::find(extraArgs.begin(), extraArgs.end(), "--state-dir") == extraArgs.end()) {
    args.push_back("--state-dir");
    args.push_back(dir_.path());
  }
  if (std::find(extraArgs.begin(), extraArgs.end(), "--listen") == extraArgs.end()) {
    args.push_back("--listen");
    args.push_back("127.0.0.1:0");
  }
  if (haveStore_) {
    args.push_back("--store");
    args.push_back(storeUri());
  }
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  startRaw(args);
}

void HubProcess::startRaw(const std::vector<std::string>& args) {
  if (reader_.joinable()) {  // started before: the log goes on from where it was
    stopReader();
    ::close(stderrFd_);
    ::close(stopFd_);
    ::close(pidfd_);
    outputEnded_ = false;
    exitCode_.reset();
  }
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::string exe = binDir() + "/zenhub";
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipeFds[1], STDERR_FILENO);
    ::dup2(pipeFds[1], STDOUT_FILENO);
    ::execv(exe.c_str(), argv.data());
    std::perror("execv zenhub");
    ::_exit(127);
  }
  ::close(pipeFds[1]);
  stderrFd_ = pipeFds[0];
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw std::runtime_error("pidfd_open failed");
  stopFd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stopFd_ < 0) throw std::runtime_error("eventfd failed");
  // Stopped and joined by the destructor (stopReader) before the members it uses go.
  reader_ = std::thread([this]() { readOutput(); });
}

void HubProcess::readOutput() {
  char buf[65536];
  for (;;) {
    pollfd p[2] = {{stderrFd_, POLLIN, 0}, {stopFd_, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents != 0) return;
    ssize_t n = ::read(stderrFd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(outputMutex_);
    if (n <= 0) {
      outputEnded_ = true;  // every writer (the hub and the workers it started) closed it
      outputGrew_.notify_all();
      return;
    }
    output_.append(buf, static_cast<size_t>(n));
    outputGrew_.notify_all();
  }
}

void HubProcess::stopReader() {
  if (!reader_.joinable()) return;
  uint64_t one = 1;
  if (::write(stopFd_, &one, sizeof one) != sizeof one) std::perror("eventfd write");
  reader_.join();
  // What is still in the pipe (the reader may not have got to it) goes into the log too.
  ::fcntl(stderrFd_, F_SETFL, O_NONBLOCK);
  char buf[65536];
  std::lock_guard<std::mutex> lock(outputMutex_);
  for (ssize_t n; (n = ::read(stderrFd_, buf, sizeof buf)) > 0;) output_.append(buf, static_cast<size_t>(n));
}

void HubProcess::syncLog() {
  if (output_.size() > log_.size()) log_.append(output_, log_.size(), std::string::npos);
}

const std::string& HubProcess::log() {
  std::lock_guard<std::mutex> lock(outputMutex_);
  syncLog();
  return log_;
}

std::optional<size_t> HubProcess::waitForLog(const std::string& text, size_t from,
                                             std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  std::unique_lock<std::mutex> lock(outputMutex_);
  size_t searchFrom = from;  // what was searched already cannot hold the start of a match
  for (;;) {
    auto at = output_.find(text, searchFrom);
    if (at != std::string::npos) {
      syncLog();
      return at + text.size();
    }
    if (output_.size() >= text.size()) searchFrom = std::max(searchFrom, output_.size() - text.size() + 1);
    if (outputEnded_ || Clock::now() >= until) return std::nullopt;  // no more output can come
    outputGrew_.wait_until(lock, until);
  }
}

bool HubProcess::waitReady(std::chrono::milliseconds deadline) {
  // The ready file is the contract (it works at any log level); between reads, wait on the
  // child's output or its exit, never a blind sleep.
  auto until = Clock::now() + deadline;
  std::regex listening(R"re(\{"event":"listening","name":"([a-z]+)","address":"[^"]*","port":([0-9]+)\})re");
  for (;;) {
    std::ifstream in(dir_.file("ready.json"));
    bool ready = false;
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_match(line, m, listening)) ports_[m[1]] = static_cast<uint16_t>(std::stoi(m[2]));
      if (line.rfind(R"({"event":"ready")", 0) == 0) ready = true;
    }
    if (ready) return !ports_.empty();
    if (Clock::now() >= until) return false;
    if (waitExit(std::chrono::milliseconds(20))) return false;  // it died instead
  }
}

uint16_t HubProcess::waitListening(const std::string& name, std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  std::regex listening(R"re(\{"event":"listening","name":"([a-z]+)","address":"[^"]*","port":([0-9]+)\})re");
  for (;;) {
    std::ifstream in(dir_.file("ready.json"));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_match(line, m, listening)) ports_[m[1]] = static_cast<uint16_t>(std::stoi(m[2]));
    }
    if (ports_.count(name)) return ports_[name];
    if (Clock::now() >= until) return 0;
    if (waitExit(std::chrono::milliseconds(20))) return 0;  // it died instead
  }
}

HttpAnswer httpGet(uint16_t port, const std::string& path) {
  HttpAnswer answer;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return answer;
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return answer;
  }
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  auto space = raw.find(' ');
  auto headersEnd = raw.find("\r\n\r\n");
  if (space == std::string::npos || headersEnd == std::string::npos) return answer;
  answer.status = std::atoi(raw.c_str() + space + 1);
  answer.body = raw.substr(headersEnd + 4);
  return answer;
}

uint16_t HubProcess::port(const std::string& listener) const {
  auto it = ports_.find(listener);
  return it == ports_.end() ? 0 : it->second;
}

void HubProcess::signal(int sig) { ::kill(pid_, sig); }

std::optional<int> HubProcess::waitExit(std::chrono::milliseconds deadline) {
  if (exitCode_) return exitCode_;
  auto until = Clock::now() + deadline;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    pollfd p{pidfd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::max<long>(0, left)));
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      // Its last lines are in the pipe: wait for the reader to reach the end (the workers may
      // hold the pipe a little longer; then what the hub wrote is read by the deadline).
      std::unique_lock<std::mutex> lock(outputMutex_);
      outputGrew_.wait_for(lock, std::chrono::milliseconds(200), [this]() { return outputEnded_; });
      syncLog();
      exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exitCode_;
    }
    if (left <= 0) return std::nullopt;
  }
}

}  // namespace zenhub::testing
