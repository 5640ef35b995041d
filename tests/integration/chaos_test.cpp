// Chaos (issue 9): the real hub, its real workers and a real SQLite store under a storm of
// `kill -9`s aimed at its zenhubworker children while collectors keep calling it over RPC.
// - KillStormUnderLoad: every call is answered (a result or a typed zenhub error) before its
//   deadline, results keep coming through the storm, the pool never runs more processes than
//   configured, and every kill is replaced exactly once.
// - SigtermInTheMiddleOfAKillStorm: the hub drains and exits 0 within its drain deadline, leaves
//   no worker behind and spawns none after the shutdown flag.
// Everything is bounded: the storm's length, each call's deadline, the number of calls. The
// 200 ms kill cadence and the sampling between kills are pacing; every wait for a condition
// polls it with a deadline.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "hub_process.h"
#include "rpc_client.h"

namespace zenhub::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif
// Sanitized binaries start and run several times slower: their deadlines are longer and the
// counts expected of them smaller. The assertions are the same.
constexpr int kSlow = kSanitized ? 3 : 1;

// The pools as configured (the hub's defaults with --workers 2).
const std::map<std::string, int> kPools = {{"default", 2}, {"events", 1}, {"modeling", 1}};
constexpr int kPoolTotal = 4;
constexpr int kCallTimeoutSeconds = 3 * kSlow;
constexpr int kCallRetries = 3;
constexpr int kDrainTimeoutSeconds = 10;
constexpr auto kKillEvery = 200ms;
constexpr auto kSampleEvery = 20ms;

// Every call the hub runs lives at most (retries + 1) runs, each after at most one queue wait,
// each bounded by call_timeout; the collector's deadline for a call is that, plus slack.
constexpr auto kCallDeadline = std::chrono::seconds(2 * (kCallRetries + 1) * kCallTimeoutSeconds + 5);

// No recycling (call or memory limit) and no hung-call kills: every worker exit in these tests
// is one of the test's kills. The crash-loop backoff stays on, short, so that the storm also
// goes through the delayed-respawn path.
std::string chaosConfig() {
  return "call_timeout: " + std::to_string(kCallTimeoutSeconds) + "\n" +
         "call_retries: " + std::to_string(kCallRetries) + "\n" +
         "worker_call_limit: 0\n"
         "worker_rss_limit_mb: 0\n"
         "crash_backoff_initial: 0.05\n"
         "crash_backoff_max: 0.4\n"
         "drain_timeout: " + std::to_string(kDrainTimeoutSeconds) + "\n";
}

// ---- the hub's children, from /proc -------------------------------------------------------

struct Proc {
  int pid = 0;
  int ppid = 0;
  char state = '?';
  std::string comm;
};

std::optional<Proc> readProc(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ')'.
  auto open = stat.find('(');
  auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) return std::nullopt;
  Proc p;
  p.pid = pid;
  p.comm = stat.substr(open + 1, close - open - 1);
  p.state = stat[close + 2];
  p.ppid = std::atoi(stat.c_str() + close + 4);
  return p;
}

template <typename F>
void forEachProc(F&& f) {
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return;
  while (dirent* e = ::readdir(dir)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    if (auto p = readProc(pid)) f(*p);
  }
  ::closedir(dir);
}

// Every child of `parent`, zombies included (a killed worker not reaped yet still counts: the
// hub replaces it only once it has reaped it).
std::vector<Proc> childrenOf(pid_t parent) {
  std::vector<Proc> children;
  forEachProc([&](const Proc& p) {
    if (p.ppid == parent) children.push_back(p);
  });
  return children;
}

// zenhubworker processes started for the hub `hubPid` (its --hub-pid argument), wherever they
// were reparented.
std::vector<int> workersOfHub(pid_t hubPid) {
  std::vector<int> pids;
  std::string marker = std::string("--hub-pid") + '\0' + std::to_string(hubPid) + '\0';
  forEachProc([&](const Proc& p) {
    if (p.comm != "zenhubworker" || p.state == 'Z') return;
    std::ifstream in("/proc/" + std::to_string(p.pid) + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) pids.push_back(p.pid);
  });
  return pids;
}

bool aliveWorker(int pid) {
  auto p = readProc(pid);
  return p && p->comm == "zenhubworker" && p->state != 'Z';
}

// ---- the hub's log, read as it grows ------------------------------------------------------

// Worker starts and exits as the pool logs them (pool_shell_workers.cpp), read line by line.
class PoolLog {
 public:
  void scan(const std::string& log) {
    static const std::regex started(R"(event=worker_started pool=([a-z]+) worker=[a-z]+-[0-9]+ pid=([0-9]+))");
    static const std::regex exited(R"(event=worker_(died|exited) pool=([a-z]+) worker=[a-z]+-[0-9]+ pid=(-?[0-9]+))");
    for (;;) {
      auto end = log.find('\n', offset_);
      if (end == std::string::npos) return;
      std::string line = log.substr(offset_, end - offset_);
      offset_ = end + 1;
      std::smatch m;
      if (std::regex_search(line, m, started)) {
        ++started_[m[1]];
        poolOf_[std::stoi(m[2])] = m[1];
      } else if (std::regex_search(line, m, exited)) {
        ++exited_[m[2]];
      }
    }
  }
  int started(const std::string& pool) const { return count(started_, pool); }
  int exited(const std::string& pool) const { return count(exited_, pool); }
  int startedTotal() const { return total(started_); }
  int exitedTotal() const { return total(exited_); }
  std::string poolOf(int pid) const {
    auto it = poolOf_.find(pid);
    return it == poolOf_.end() ? "" : it->second;
  }
  const std::map<int, std::string>& pids() const { return poolOf_; }

 private:
  static int count(const std::map<std::string, int>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  }
  static int total(const std::map<std::string, int>& m) {
    int n = 0;
    for (const auto& [k, v] : m) n += v;
    return n;
  }
  size_t offset_ = 0;
  std::map<std::string, int> started_, exited_;
  std::map<int, std::string> poolOf_;
};

// ---- /stats ---------------------------------------------------------------------------------

struct StatsWorkers {
  std::map<std::string, int> count;     // workers by pool
  std::map<std::string, int> ready;     // ready workers by pool
  std::map<std::string, int> restarts;  // restarts by pool (each worker reports its slot's)
};

std::optional<StatsWorkers> statsWorkers(uint16_t statusPort) {
  auto answer = httpGet(statusPort, "/stats");
  if (answer.status != 200) return std::nullopt;
  auto at = answer.body.find("\"workers\":[");
  if (at == std::string::npos) return std::nullopt;
  auto end = answer.body.find(']', at);
  std::string workers = answer.body.substr(at, end - at);
  static const std::regex worker(
      R"re("pool":"([a-z]+)","pid":[0-9]+,"state":"([a-z]+)".*?"restarts":([0-9]+)\})re");
  StatsWorkers s;
  for (auto it = std::sregex_iterator(workers.begin(), workers.end(), worker); it != std::sregex_iterator(); ++it) {
    ++s.count[(*it)[1]];
    if ((*it)[2] == "ready") ++s.ready[(*it)[1]];
    s.restarts[(*it)[1]] += std::stoi((*it)[3]);
  }
  return s;
}

// ---- the collectors' load -------------------------------------------------------------------

// What became of one call.
enum class Outcome { kOk, kTimeout, kBusy, kRetriesExhausted, kShutdown, kDisconnected, kOther, kHung };

struct Tally {
  std::map<Outcome, uint64_t> by;
  uint64_t disconnectedBeforeSigterm = 0;
  std::vector<uint64_t> okPerSecond;  // successes by second since the load started
  std::vector<std::string> unexpected;  // the first few unexpected errors, for the failure message
  Clock::duration slowest{0};
  uint64_t of(Outcome o) const {
    auto it = by.find(o);
    return it == by.end() ? 0 : it->second;
  }
  uint64_t answered() const {
    uint64_t n = 0;
    for (const auto& [o, c] : by) n += o == Outcome::kHung ? 0 : c;
    return n;
  }
  std::string summary() const {
    std::ostringstream out;
    out << "answered=" << answered() << " ok=" << of(Outcome::kOk) << " timeout=" << of(Outcome::kTimeout)
        << " busy=" << of(Outcome::kBusy) << " retries_exhausted=" << of(Outcome::kRetriesExhausted)
        << " shutdown=" << of(Outcome::kShutdown) << " disconnected=" << of(Outcome::kDisconnected)
        << " other=" << of(Outcome::kOther) << " hung=" << of(Outcome::kHung)
        << " slowest_ms=" << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count();
    return out.str();
  }
};

// `collectors` connections, each logged in with PingConfig for `localhost` and keeping `depth`
// getConfigProperties calls in flight (a small read a worker answers), on a thread of its own
// with its own KJ loop. Each call races its own deadline. Stops issuing calls at stop() or
// after `maxCalls`; every chain ends once its last call is settled.
class CallLoad {
 public:
  CallLoad(uint16_t port, int collectors, int depth, uint64_t maxCalls)
      : port_(port), collectors_(collectors), depth_(depth), maxCalls_(maxCalls) {}
  ~CallLoad() { stop(); }

  void start() {
    started_ = Clock::now();
    thread_ = std::thread([this]() { run(); });
  }
  // Waits until every collector is connected and has its service; false at the deadline or on
  // a setup error.
  bool waitConnected(Clock::duration deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    setUp_.wait_until(lock, Clock::now() + deadline, [this]() { return connected_.load() || failed_.load(); });
    return connected_.load() && !failed_.load();
  }
  uint64_t okSoFar() const { return ok_.load(); }
  Clock::time_point startedAt() const { return started_; }
  // From now on the hub may close the connections (it is draining).
  void sigtermSent() { sigterm_.store(true); }
  Tally stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return tally_;
  }
  const std::string& setupError() const { return setupError_; }

 private:
  struct Collector {
    explicit Collector(kj::AsyncIoContext& io, uint16_t port) : client(io, port) {}
    RpcClient client;
    schema::PingConfig::Client service = nullptr;
  };

  void run() {
    try {
      auto io = kj::setupAsyncIo();
      std::vector<std::unique_ptr<Collector>> collectors;
      for (int i = 0; i < collectors_; ++i) {
        auto c = std::make_unique<Collector>(io, port_);
        auto hub = c->client.login("admin", "zenoss");
        auto request = hub.getServiceRequest();
        request.setName("PingConfig");
        request.setMonitor("localhost");
        c->service = request.send().wait(io.waitScope).getService().castAs<schema::PingConfig>();
        collectors.push_back(std::move(c));
      }
      announce(connected_);
      kj::Vector<kj::Promise<void>> chains;
      for (auto& c : collectors) {
        for (int d = 0; d < depth_; ++d) chains.add(loop(*c, io.provider->getTimer()));
      }
      kj::joinPromises(chains.releaseAsArray()).wait(io.waitScope);
    } catch (const kj::Exception& e) {
      setupError_ = e.getDescription().cStr();
      announce(failed_);
    }
  }

  void announce(std::atomic<bool>& flag) {
    std::lock_guard<std::mutex> lock(mutex_);
    flag.store(true);
    setUp_.notify_all();
  }

  kj::Promise<void> loop(Collector& c, kj::Timer& timer) {
    if (stop_.load() || issued_ >= maxCalls_) return kj::READY_NOW;
    ++issued_;
    auto sent = Clock::now();
    kj::Promise<Outcome> answer = c.service.getConfigPropertiesRequest().send().then(
        [](auto&&) { return Outcome::kOk; }, [this](kj::Exception&& e) { return classify(e); });
    kj::Promise<Outcome> late =
        timer.afterDelay(std::chrono::duration_cast<std::chrono::milliseconds>(kCallDeadline).count() *
                         kj::MILLISECONDS)
            .then([]() { return Outcome::kHung; });
    return answer.exclusiveJoin(kj::mv(late)).then([this, &c, &timer, sent](Outcome o) -> kj::Promise<void> {
      record(o, sent);
      // The connection is gone, or the hub is draining: this collector stops calling.
      if (o == Outcome::kDisconnected || o == Outcome::kShutdown) return kj::READY_NOW;
      return loop(c, timer);
    });
  }

  Outcome classify(const kj::Exception& e) {
    std::string d = e.getDescription().cStr();
    auto at = d.find("zenhub.");
    std::string code;
    if (at != std::string::npos) code = d.substr(at + 7, d.find(':', at) - at - 7);
    if (code == "timeout") return Outcome::kTimeout;
    if (code == "busy") return Outcome::kBusy;
    if (code == "shutdown") return Outcome::kShutdown;
    if (code == "internal" && d.find("the worker died running it") != std::string::npos) {
      return Outcome::kRetriesExhausted;
    }
    if (code.empty() && e.getType() == kj::Exception::Type::DISCONNECTED) {
      if (!sigterm_.load()) note(d);
      return Outcome::kDisconnected;
    }
    note(d);
    return Outcome::kOther;
  }

  void note(const std::string& what) {
    if (tally_.unexpected.size() < 5) tally_.unexpected.push_back(what);
  }

  void record(Outcome o, Clock::time_point sent) {
    auto now = Clock::now();
    ++tally_.by[o];
    tally_.slowest = std::max(tally_.slowest, now - sent);
    if (o == Outcome::kDisconnected && !sigterm_.load()) ++tally_.disconnectedBeforeSigterm;
    if (o == Outcome::kOk) {
      ok_.fetch_add(1);
      auto second = static_cast<size_t>(std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
      if (tally_.okPerSecond.size() <= second) tally_.okPerSecond.resize(second + 1);
      ++tally_.okPerSecond[second];
    }
  }

  uint16_t port_;
  int collectors_;
  int depth_;
  uint64_t maxCalls_;
  uint64_t issued_ = 0;  // the load thread's
  Clock::time_point started_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> sigterm_{false};
  std::mutex mutex_;
  std::condition_variable setUp_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> failed_{false};
  std::atomic<uint64_t> ok_{0};
  Tally tally_;  // the load thread's until stop() joined it
  std::string setupError_;
};

// ---- the storm ------------------------------------------------------------------------------

// Kills a random live zenhubworker child of the hub every kKillEvery, samples the hub's children
// every kSampleEvery and right after each kill, and checks the pool size from /stats now and
// then. Paced by waiting on the hub's exit with a deadline: a hub that dies ends the storm.
class KillStorm {
 public:
  KillStorm(HubProcess& hub, uint32_t seed) : hub_(hub), random_(seed) {}

  // Runs until `until`, or until the hub exits. Returns false when the hub exited.
  bool runUntil(Clock::time_point until) {
    if (nextKill_ == Clock::time_point{}) nextKill_ = Clock::now() + kKillEvery;
    auto nextStats = Clock::now();
    while (Clock::now() < until) {
      auto wake = std::min({until, nextKill_, Clock::now() + kSampleEvery});
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
      if (hub_.waitExit(std::max(left, 0ms))) return false;  // pacing, and the hub must stay up
      log_.scan(hub_.log());
      sample();
      if (Clock::now() >= nextKill_) {
        killOne();
        sample();  // right after the kill
        nextKill_ += kKillEvery;
      }
      if (statsEnabled_ && Clock::now() >= nextStats) {
        sampleStats();
        nextStats = Clock::now() + 500ms;
      }
    }
    return true;
  }

  void sample() {
    auto children = childrenOf(hub_.pid());
    ++samples_;
    maxChildren_ = std::max(maxChildren_, static_cast<int>(children.size()));
    std::map<std::string, int> byPool;
    for (const auto& c : children) {
      seen_.insert(c.pid);
      auto pool = log_.poolOf(c.pid);
      if (!pool.empty()) ++byPool[pool];
    }
    for (const auto& [pool, n] : byPool) maxByPool_[pool] = std::max(maxByPool_[pool], n);
    if (static_cast<int>(children.size()) > kPoolTotal && overflows_.size() < 5) {
      std::string what = std::to_string(children.size()) + " children:";
      for (const auto& c : children) what += " " + std::to_string(c.pid) + "(" + c.comm + "," + c.state + ")";
      overflows_.push_back(what);
    }
  }

  void sampleStats() {
    auto s = statsWorkers(hub_.port("status"));
    if (!s) return;
    ++statsSamples_;
    for (const auto& [pool, n] : s->count) maxStatsByPool_[pool] = std::max(maxStatsByPool_[pool], n);
  }

  void killOne() {
    ++ticks_;
    std::vector<int> candidates;
    for (const auto& c : childrenOf(hub_.pid())) {
      if (c.comm == "zenhubworker" && c.state != 'Z' && !killed_.count(c.pid)) candidates.push_back(c.pid);
    }
    if (candidates.empty()) return;  // every slot is between a death and its respawn
    int pid = candidates[std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(random_)];
    if (::kill(pid, SIGKILL) == 0) killed_.insert(pid);
  }

  void stopStats() { statsEnabled_ = false; }
  PoolLog& log() { return log_; }
  const std::set<int>& killed() const { return killed_; }
  const std::set<int>& seen() const { return seen_; }
  int ticks() const { return ticks_; }
  int samples() const { return samples_; }
  int statsSamples() const { return statsSamples_; }
  int maxChildren() const { return maxChildren_; }
  const std::map<std::string, int>& maxByPool() const { return maxByPool_; }
  const std::map<std::string, int>& maxStatsByPool() const { return maxStatsByPool_; }
  const std::vector<std::string>& overflows() const { return overflows_; }
  std::map<std::string, int> killsByPool() const {
    std::map<std::string, int> by;
    for (int pid : killed_) ++by[log_.poolOf(pid)];
    return by;
  }

 private:
  HubProcess& hub_;
  std::mt19937 random_;
  PoolLog log_;
  Clock::time_point nextKill_{};
  bool statsEnabled_ = true;
  std::set<int> killed_;
  std::set<int> seen_;
  int ticks_ = 0;
  int samples_ = 0;
  int statsSamples_ = 0;
  int maxChildren_ = 0;
  std::map<std::string, int> maxByPool_;
  std::map<std::string, int> maxStatsByPool_;
  std::vector<std::string> overflows_;
};

uint32_t seedFromEnvironment() {
  if (const char* s = std::getenv("ZENHUB_CHAOS_SEED")) return static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  return std::random_device{}();
}

// Polls `condition` (which may read the hub's log) until it holds or the deadline passes; the
// waits in between are on the hub's exit.
template <typename F>
bool pollUntil(HubProcess& hub, Clock::duration deadline, F&& condition) {
  auto until = Clock::now() + deadline;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= until) return false;
    if (hub.waitExit(50ms)) return condition();
  }
}

void expectOnlyTypedAnswers(const Tally& t) {
  EXPECT_EQ(t.of(Outcome::kHung), 0u) << "calls not answered within their deadline: " << t.summary();
  EXPECT_EQ(t.of(Outcome::kOther), 0u) << t.summary();
  EXPECT_EQ(t.disconnectedBeforeSigterm, 0u) << t.summary();
  for (const auto& e : t.unexpected) ADD_FAILURE() << "unexpected error: " << e;
}

TEST(Chaos, KillStormUnderLoad) {
  const auto stormLength = 60s;  // what issue 9 asks, in both builds
  uint32_t seed = seedFromEnvironment();
  std::printf("[ info ] seed=%u (ZENHUB_CHAOS_SEED replays it)%s\n", seed, kSanitized ? " sanitizer build" : "");
  HubProcess hub(chaosConfig());
  hub.start({"--workers", "2"});
  ASSERT_TRUE(hub.waitReady(HubProcess::kDeadline * kSlow)) << hub.log();
  KillStorm storm(hub, seed);
  storm.log().scan(hub.log());
  ASSERT_EQ(storm.log().startedTotal(), kPoolTotal);

  CallLoad load(hub.port(), 4, 4, 5'000'000);
  load.start();
  ASSERT_TRUE(load.waitConnected(10s * kSlow)) << load.setupError();
  ASSERT_TRUE(pollUntil(hub, 10s * kSlow, [&]() { return load.okSoFar() >= 100; })) << "no load";

  auto begin = Clock::now();
  auto okBefore = load.okSoFar();
  ASSERT_TRUE(storm.runUntil(begin + stormLength)) << "the hub exited during the storm\n" << hub.log();
  auto stormSeconds = std::chrono::duration<double>(Clock::now() - begin).count();
  auto okDuringStorm = load.okSoFar() - okBefore;

  // Each kill is replaced exactly once: wait until as many respawns as kills, every pool back
  // to its size and ready, then check that nothing more was started.
  int kills = static_cast<int>(storm.killed().size());
  auto respawns = [&]() { return storm.log().startedTotal() - kPoolTotal; };
  std::optional<StatsWorkers> settled;
  bool refilled = pollUntil(hub, 15s * kSlow, [&]() {
    storm.log().scan(hub.log());
    if (respawns() < kills) return false;
    settled = statsWorkers(hub.port("status"));
    if (!settled) return false;
    for (const auto& [pool, n] : kPools) {
      if (settled->ready[pool] != n) return false;
    }
    return true;
  });
  storm.sample();
  Tally tally = load.stop();
  storm.log().scan(hub.log());
  int respawned = respawns();
  int exits = storm.log().exitedTotal();
  auto killsByPool = storm.killsByPool();

  std::printf("[ info ] storm_s=%.1f ticks=%d kills=%d respawns=%d exits=%d samples=%d stats_samples=%d "
              "max_children=%d ok_during_storm=%llu\n",
              stormSeconds, storm.ticks(), kills, respawned, exits, storm.samples(), storm.statsSamples(),
              storm.maxChildren(), static_cast<unsigned long long>(okDuringStorm));
  for (const auto& [pool, n] : kPools) {
    std::printf("[ info ] pool=%s size=%d kills=%d started=%d max_seen_proc=%d max_seen_stats=%d restarts_stats=%d\n",
                pool.c_str(), n, killsByPool[pool], storm.log().started(pool),
                storm.maxByPool().count(pool) ? storm.maxByPool().at(pool) : 0,
                storm.maxStatsByPool().count(pool) ? storm.maxStatsByPool().at(pool) : 0,
                settled ? settled->restarts[pool] : -1);
  }
  std::printf("[ info ] calls: %s\n", tally.summary().c_str());

  // The pool never ran more processes than configured, in any sample.
  EXPECT_LE(storm.maxChildren(), kPoolTotal);
  for (const auto& o : storm.overflows()) ADD_FAILURE() << o;
  for (const auto& [pool, n] : storm.maxByPool()) EXPECT_LE(n, kPools.at(pool)) << pool;
  for (const auto& [pool, n] : storm.maxStatsByPool()) EXPECT_LE(n, kPools.at(pool)) << pool;
  EXPECT_GT(storm.statsSamples(), 50);
  // The storm was one: most ticks found a worker to kill.
  EXPECT_GE(kills, storm.ticks() / 2) << "ticks=" << storm.ticks();
  // Respawns equal kills, in total and per pool, by the log and by the pool's own stats.
  EXPECT_TRUE(refilled) << "respawns=" << respawns() << " kills=" << kills;
  EXPECT_EQ(respawned, kills);
  EXPECT_EQ(exits, kills);
  EXPECT_EQ(killsByPool.count(""), 0u) << "a killed pid the hub never logged";
  for (const auto& [pool, n] : kPools) {
    EXPECT_EQ(storm.log().started(pool) - n, killsByPool[pool]) << pool;
    if (settled) {
      EXPECT_EQ(settled->restarts[pool], killsByPool[pool]) << pool;
    }
  }
  // Every call was answered, with a result or a typed error, and results kept coming.
  expectOnlyTypedAnswers(tally);
  EXPECT_EQ(tally.of(Outcome::kDisconnected), 0u);
  EXPECT_EQ(tally.of(Outcome::kShutdown), 0u);
  uint64_t minOk = kSanitized ? 300 : 1000;
  EXPECT_GE(okDuringStorm, minOk) << tally.summary();
  EXPECT_GE(tally.of(Outcome::kOk) * 2, tally.answered()) << "most calls succeed: " << tally.summary();
  // Results in every 5 s of the storm, not only errors.
  auto stormFirst = static_cast<size_t>(std::chrono::duration_cast<std::chrono::seconds>(begin - load.startedAt()).count()) + 1;
  size_t windows = 0;
  for (size_t from = stormFirst; from + 5 <= stormFirst + 60 && from + 5 <= tally.okPerSecond.size(); from += 5, ++windows) {
    uint64_t n = 0;
    for (size_t s = from; s < from + 5; ++s) n += tally.okPerSecond[s];
    EXPECT_GT(n, 0u) << "no successful call in storm seconds " << from - stormFirst << ".." << from - stormFirst + 5;
  }
  EXPECT_GE(windows, 11u);

  // And the hub still stops cleanly.
  hub.signal(SIGTERM);
  auto code = hub.waitExit(std::chrono::seconds(kDrainTimeoutSeconds + 5));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE(workersOfHub(hub.pid()).empty());
}

TEST(Chaos, SigtermInTheMiddleOfAKillStorm) {
  uint32_t seed = seedFromEnvironment();
  std::printf("[ info ] seed=%u (ZENHUB_CHAOS_SEED replays it)%s\n", seed, kSanitized ? " sanitizer build" : "");
  HubProcess hub(chaosConfig());
  hub.start({"--workers", "2"});
  ASSERT_TRUE(hub.waitReady(HubProcess::kDeadline * kSlow)) << hub.log();
  KillStorm storm(hub, seed);
  storm.log().scan(hub.log());

  CallLoad load(hub.port(), 4, 4, 5'000'000);
  load.start();
  ASSERT_TRUE(load.waitConnected(10s * kSlow)) << load.setupError();
  ASSERT_TRUE(pollUntil(hub, 10s * kSlow, [&]() { return load.okSoFar() >= 100; })) << "no load";

  // Some seconds of storm, then SIGTERM at a random point of a kill period; the storm goes on
  // through the drain until the hub has exited.
  auto stormBefore = 8s + std::chrono::milliseconds(std::mt19937(seed)() % 1000);
  ASSERT_TRUE(storm.runUntil(Clock::now() + stormBefore)) << "the hub exited during the storm\n" << hub.log();
  int killsBefore = static_cast<int>(storm.killed().size());
  storm.stopStats();  // the status endpoint closes while draining
  load.sigtermSent();
  auto sigtermAt = Clock::now();
  hub.signal(SIGTERM);
  bool stillUp = storm.runUntil(sigtermAt + std::chrono::seconds(kDrainTimeoutSeconds + 10));
  auto drainSeconds = std::chrono::duration<double>(Clock::now() - sigtermAt).count();
  Tally tally = load.stop();
  auto code = hub.waitExit(1s);
  storm.log().scan(hub.log());
  const std::string& log = hub.log();

  std::printf("[ info ] kills_before_sigterm=%d kills_total=%zu drain_s=%.2f max_children=%d seen_pids=%zu\n",
              killsBefore, storm.killed().size(), drainSeconds, storm.maxChildren(), storm.seen().size());
  std::printf("[ info ] calls: %s\n", tally.summary().c_str());

  ASSERT_FALSE(stillUp) << "the hub did not exit";
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_LE(drainSeconds, kDrainTimeoutSeconds) << "exited after its drain deadline";
  EXPECT_GT(killsBefore, 10);
  EXPECT_LE(storm.maxChildren(), kPoolTotal);
  // No worker left: neither one the test saw nor any other started for this hub.
  std::set<int> pids = storm.seen();
  for (const auto& [pid, pool] : storm.log().pids()) pids.insert(pid);
  for (int pid : pids) EXPECT_FALSE(aliveWorker(pid)) << "worker " << pid << " left behind";
  EXPECT_TRUE(workersOfHub(hub.pid()).empty());
  // Nothing was spawned after the shutdown flag (set right after the drain line).
  auto drainAt = log.find("event=draining");
  ASSERT_NE(drainAt, std::string::npos);
  EXPECT_EQ(log.find("event=worker_started", drainAt), std::string::npos) << log.substr(drainAt);
  EXPECT_NE(log.find("event=stopped", drainAt), std::string::npos);
  // Every call was answered: a result, a typed error, or the connection closed by the drain.
  expectOnlyTypedAnswers(tally);
  EXPECT_GT(tally.of(Outcome::kOk), 0u);
}

}  // namespace
}  // namespace zenhub::testing
