#include "hub/saved_counters.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace zenhub::hub {

namespace {

constexpr const char* kHeader = "zenhub-counters 1";

std::string errnoText(const std::string& step, const std::string& path) {
  return step + " " + path + ": " + std::strerror(errno);
}

uint64_t parseCount(const std::string& value, const std::string& where) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 19) {
    throw CountersError(where + ": not a count: '" + value + "'");
  }
  return std::stoull(value);
}

double parseSeconds(const std::string& value, const std::string& where) {
  size_t used = 0;
  double d = 0;
  try {
    d = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || !(d >= 0) || d > 1e15) {
    throw CountersError(where + ": not a number of seconds: '" + value + "'");
  }
  return d;
}

}  // namespace

LifetimeCounters& LifetimeCounters::operator+=(const LifetimeCounters& o) {
  starts += o.starts;
  calls += o.calls;
  callErrors += o.callErrors;
  events += o.events;
  invalidationCycles += o.invalidationCycles;
  invalidationSeconds += o.invalidationSeconds;
  return *this;
}

bool LifetimeCounters::operator==(const LifetimeCounters& o) const {
  return starts == o.starts && calls == o.calls && callErrors == o.callErrors && events == o.events &&
         invalidationCycles == o.invalidationCycles && invalidationSeconds == o.invalidationSeconds;
}

std::string formatCounters(const LifetimeCounters& c) {
  return fmt::format("{}\nstarts {}\ncalls {}\ncall_errors {}\nevents {}\ninvalidation_cycles {}\n"
                     "invalidation_seconds {:.6f}\n",
                     kHeader, c.starts, c.calls, c.callErrors, c.events, c.invalidationCycles,
                     c.invalidationSeconds);
}

LifetimeCounters parseCounters(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    throw CountersError(fmt::format("line 1: expected '{}'", kHeader));
  }
  LifetimeCounters c;
  std::map<std::string, bool> seen;
  for (int number = 2; std::getline(in, line); ++number) {
    std::string where = "line " + std::to_string(number);
    if (line.empty()) continue;
    auto space = line.find(' ');
    if (space == std::string::npos) throw CountersError(where + ": expected 'name value'");
    std::string name = line.substr(0, space);
    std::string value = line.substr(space + 1);
    if (seen[name]) throw CountersError(where + ": '" + name + "' given twice");
    seen[name] = true;
    if (name == "starts") {
      c.starts = parseCount(value, where);
    } else if (name == "calls") {
      c.calls = parseCount(value, where);
    } else if (name == "call_errors") {
      c.callErrors = parseCount(value, where);
    } else if (name == "events") {
      c.events = parseCount(value, where);
    } else if (name == "invalidation_cycles") {
      c.invalidationCycles = parseCount(value, where);
    } else if (name == "invalidation_seconds") {
      c.invalidationSeconds = parseSeconds(value, where);
    } else {
      throw CountersError(where + ": unknown counter '" + name + "'");
    }
  }
  if (!in.eof()) throw CountersError("read error");
  if (c.callErrors > c.calls) throw CountersError("call_errors is larger than calls");
  return c;
}

std::optional<LifetimeCounters> readCountersFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    throw CountersError(errnoText("cannot open", path));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 4096) throw CountersError("too large (" + std::to_string(text.size()) + " bytes)");
  return parseCounters(text);
}

void writeCountersFile(const std::string& path, const LifetimeCounters& counters) {
  std::string tmp = path + ".tmp";
  std::string text = formatCounters(counters);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw CountersError(errnoText("cannot create", tmp));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ok && ::fsync(fd) == 0;
  int savedErrno = errno;
  ::close(fd);
  if (!ok) {
    errno = savedErrno;
    std::string error = errnoText("cannot write", tmp);
    ::unlink(tmp.c_str());
    throw CountersError(error);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string error = errnoText("cannot rename to", path);
    ::unlink(tmp.c_str());
    throw CountersError(error);
  }
  // The rename itself is durable once the directory is.
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
}

struct CounterSaver::Shared {
  std::mutex mutex;
  std::optional<LifetimeCounters> pending;  // the latest asked for, not yet written
  bool running = false;                     // a job is on the thread
};

CounterSaver::CounterSaver(boost::asio::io_context& io, std::string path)
    : io_(io), path_(std::move(path)), shared_(std::make_shared<Shared>()),
      thread_(std::make_unique<boost::asio::thread_pool>(1)) {}

CounterSaver::~CounterSaver() {
  *alive_ = false;
  if (thread_) thread_->join();
}

void CounterSaver::save(const LifetimeCounters& counters) {
  if (!thread_) return;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->pending = counters;
    if (shared_->running) return;  // the running job picks it up
    shared_->running = true;
  }
  boost::asio::post(*thread_, [shared = shared_, path = path_, &io = io_, alive = alive_, this]() {
    for (;;) {
      std::optional<LifetimeCounters> next;
      {
        std::lock_guard<std::mutex> lock(shared->mutex);
        if (!shared->pending) {
          shared->running = false;
          return;
        }
        next = std::move(shared->pending);
        shared->pending.reset();
      }
      std::string error;
      try {
        writeCountersFile(path, *next);
      } catch (const CountersError& e) {
        error = e.what();
      }
      boost::asio::post(io, [this, alive, saved = *next, error]() {
        if (*alive) reportOutcome(saved, error);
      });
    }
  });
}

void CounterSaver::saveNow(const LifetimeCounters& counters) {
  if (thread_) {
    thread_->join();
    thread_.reset();
  }
  try {
    writeCountersFile(path_, counters);
    spdlog::info("event=counters_saved file={} calls={} events={} invalidation_cycles={}", path_, counters.calls,
                 counters.events, counters.invalidationCycles);
  } catch (const CountersError& e) {
    spdlog::error("event=counters_save_failed file={} error=\"{}\"", path_, e.what());
  }
}

void CounterSaver::reportOutcome(const LifetimeCounters& saved, const std::string& error) {
  if (error.empty()) {
    spdlog::debug("event=counters_saved file={} calls={} events={} invalidation_cycles={}", path_, saved.calls,
                  saved.events, saved.invalidationCycles);
  }
  if (error == lastError_) return;
  if (error.empty()) {
    spdlog::info("event=counters_save_recovered file={}", path_);
  } else {
    spdlog::error("event=counters_save_failed file={} error=\"{}\"", path_, error);
  }
  lastError_ = error;
}

}  // namespace zenhub::hub
