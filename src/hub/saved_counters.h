// Counters that outlive a restart (DESIGN.md section 9): calls, events, invalidation cycles and
// their time, and how many times the hub started. The hub loads them from `<state_dir>/counters`
// at start and adds what this run counted; it saves the sum on every heartbeat and at exit.
//
// The file is small text, one `name value` per line after a `zenhub-counters 1` header, written
// to a temporary file, flushed to disk and renamed over the old one, so a crash or a power cut
// leaves either the old file or the new one, never half of one. A file that does not parse is
// reported and ignored (the counters start again from zero and the next save replaces it).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace zenhub::hub {

struct LifetimeCounters {
  uint64_t starts = 0;
  uint64_t calls = 0;       // service calls answered (results and errors)
  uint64_t callErrors = 0;  // of which errors
  uint64_t events = 0;      // events received through EventService (collectors, XML-RPC)
  uint64_t invalidationCycles = 0;
  double invalidationSeconds = 0;  // time spent in those cycles

  LifetimeCounters& operator+=(const LifetimeCounters& other);
  bool operator==(const LifetimeCounters& other) const;
};

struct CountersError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The file's text, and back. parseCounters throws CountersError naming the line at fault; an
// unknown name is an error too (a file from a newer hub is not silently half-read).
std::string formatCounters(const LifetimeCounters& counters);
LifetimeCounters parseCounters(const std::string& text);

// Reads `path`: nullopt when there is no file (a first start); throws CountersError when the
// file cannot be read or does not parse.
std::optional<LifetimeCounters> readCountersFile(const std::string& path);
// Writes `path` atomically (temporary file, fsync, rename, fsync of the directory). Throws
// CountersError with the failing step and errno text.
void writeCountersFile(const std::string& path, const LifetimeCounters& counters);

// Saves off the loop: a heartbeat's save never blocks the hub's thread on the disk. A save asked
// for while one runs is queued (only the latest is kept). Errors are logged, once per kind of
// failure until a save works again.
class CounterSaver {
 public:
  // `io` (where errors are logged from) must outlive the saver.
  CounterSaver(boost::asio::io_context& io, std::string path);
  ~CounterSaver();
  CounterSaver(const CounterSaver&) = delete;
  CounterSaver& operator=(const CounterSaver&) = delete;

  const std::string& path() const { return path_; }
  void save(const LifetimeCounters& counters);
  // At exit: waits for a running save, then writes `counters` on the calling thread.
  void saveNow(const LifetimeCounters& counters);

 private:
  struct Shared;
  void reportOutcome(const LifetimeCounters& saved, const std::string& error);

  boost::asio::io_context& io_;
  std::string path_;
  std::shared_ptr<Shared> shared_;
  std::string lastError_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unique_ptr<boost::asio::thread_pool> thread_;  // last: joined first
};

}  // namespace zenhub::hub
