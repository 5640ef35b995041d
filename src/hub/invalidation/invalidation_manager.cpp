#include "hub/invalidation/invalidation_manager.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "hub/invalidation/limiter.h"
#include "hub/invalidation/planner.h"
#include "store/store.h"

namespace zenhub::hub::invalidation {

namespace {
using Clock = std::chrono::steady_clock;

Clock::duration secondsToDuration(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

constexpr const char* kInvalidationsClass = "/App/Zenhub/Invalidations";
constexpr const char* kStoreClass = "/App/Zenhub/Store";
// Most feed transactions read in one poll; beyond them the next poll follows at once.
constexpr int64_t kTransactionsPerRead = 1000;
constexpr size_t kChangesPerPoll = 200000;

// Building the index reads every device of the model at once (about 1 KB each, for a moment).
// Freed, that memory stays in this thread's malloc arena, which glibc does not give back by
// itself: 70 MB of the hub's resident size at 100,000 devices (zenhub-bench scale). Give it back.
void releaseFreedMemory() {
#ifdef __GLIBC__
  ::malloc_trim(0);
#endif
}
}  // namespace

// Lives on the invalidation thread (OffLoopRunner, one thread): only work posted there touches it.
struct InvalidationManager::Shared {
  std::string storeUri;
  std::unique_ptr<store::Store> store;
  DeviceIndex index;
  FilterChain filters;
  bool indexed = false;
  store::Cursor cursor = 0;
};

struct InvalidationManager::PollResult {
  Plan plan;
  bool more = false;
  bool built = false;  // the index was (re)built from a snapshot
  store::Cursor cursor = 0;
  uint64_t indexedDevices = 0;
  double readSeconds = 0;  // the feed and the objects, off the loop
  double planSeconds = 0;
};

void InvalidationManager::LogErrors::taskFailed(kj::Exception&& exception) {
  spdlog::warn("event=invalidation_task_failed error=\"{}\"", exception.getDescription().cStr());
}

InvalidationManager::InvalidationManager(boost::asio::io_context& io, rpc::AsioEventPort& port,
                                         InvalidationConfig config, std::string storeUri, std::string pauseFile,
                                         ServiceManager& services, CallExecutor& executor, HubEvents& events)
    : io_(io), port_(port), config_(std::move(config)), storeUri_(std::move(storeUri)),
      pauseFile_(std::move(pauseFile)), services_(services), executor_(executor), events_(events),
      debouncer_(secondsToDuration(config_.debounce), secondsToDuration(config_.maxDelay)), pollTimer_(io),
      debounceTimer_(io), retryTimer_(io), shared_(std::make_shared<Shared>()), limiter_(std::make_unique<SlotLimiter>(16)),
      runner_(io) {
  shared_->storeUri = storeUri_;
  shared_->filters = FilterChain(config_.filters);
}

InvalidationManager::~InvalidationManager() { *alive_ = false; }

void InvalidationManager::start() {
  if (started_) return;
  started_ = true;
  if (!pauseFile_.empty() && std::filesystem::exists(pauseFile_)) {
    paused_ = true;
    spdlog::warn("event=invalidations_paused reason=\"kept from before the restart\" file={}", pauseFile_);
  }
  schedulePoll(Clock::duration::zero());
}

void InvalidationManager::stop() {
  stopped_ = true;
  pollTimer_.cancel();
  debounceTimer_.cancel();
  retryTimer_.cancel();
}

void InvalidationManager::reconfigure(InvalidationConfig config) {
  config_ = std::move(config);
  debouncer_.setTimes(secondsToDuration(config_.debounce), secondsToDuration(config_.maxDelay));
  auto shared = shared_;
  auto filters = config_.filters;
  runner_.run<bool>([shared, filters]() {
           shared->filters = FilterChain(filters);
           return true;
         })
      .detach([](kj::Exception&&) {});
}

bool InvalidationManager::pause(const std::string& who) {
  if (paused_) return false;
  paused_ = true;
  writePauseFile(true, who);
  events_.raise(kInvalidationsClass, "invalidations_paused", 3,
                "Invalidation processing paused by " + who + ": model changes are not pushed to collectors");
  return true;
}

bool InvalidationManager::resume(const std::string& who) {
  if (!paused_) return false;
  paused_ = false;
  writePauseFile(false, who);
  events_.raise(kInvalidationsClass, "invalidations_paused", 0, "Invalidation processing resumed by " + who);
  if (!stopped_ && started_ && !polling_) schedulePoll(Clock::duration::zero());
  maybeStartCycle();
  return true;
}

void InvalidationManager::writePauseFile(bool paused, const std::string& who) {
  if (pauseFile_.empty()) return;
  std::error_code ec;
  if (!paused) {
    std::filesystem::remove(pauseFile_, ec);
  } else {
    std::string tmp = pauseFile_ + ".tmp";
    std::filesystem::create_directories(std::filesystem::path(pauseFile_).parent_path(), ec);
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << "paused by " << who << "\n";
    }
    std::filesystem::rename(tmp, pauseFile_, ec);
  }
  if (ec) spdlog::error("event=pause_file_failed file={} error=\"{}\"", pauseFile_, ec.message());
}

InvalidationStats InvalidationManager::stats() const {
  InvalidationStats s = stats_;
  s.paused = paused_;
  s.pendingDevices = pending_.deviceCount() + retry_.deviceCount();
  return s;
}

// ---- polling ------------------------------------------------------------------------------

void InvalidationManager::schedulePoll(Clock::duration delay) {
  if (stopped_) return;
  pollTimer_.expires_after(delay);
  pollTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) poll();
  });
}

void InvalidationManager::poll() {
  if (stopped_ || paused_ || polling_) return;
  polling_ = true;
  lastPoll_ = Clock::now();
  ++stats_.polls;
  auto shared = shared_;
  runner_
      .run<PollResult>([shared]() {
        auto& s = *shared;
        PollResult result;
        auto began = Clock::now();
        try {
          if (!s.store) s.store = store::openStore(s.storeUri);
          if (!s.indexed) {
            auto snapshot = s.store->read();
            s.cursor = buildIndex(*snapshot, s.index);
            releaseFreedMemory();
            s.indexed = true;
            result.built = true;
          }
          std::vector<store::Change> changes;
          store::Cursor cursor = s.cursor;
          bool resync = false;
          while (true) {
            auto batch = s.store->changesSince(cursor, kTransactionsPerRead);
            if (batch.resyncRequired) {
              resync = true;
              break;
            }
            cursor = batch.cursor;
            changes.insert(changes.end(), std::make_move_iterator(batch.changes.begin()),
                           std::make_move_iterator(batch.changes.end()));
            result.more = batch.more;
            if (!batch.more || changes.size() >= kChangesPerPoll) break;
          }
          if (resync) {
            // Changes may have been missed: re-read the model and have everyone re-read theirs.
            auto snapshot = s.store->read();
            s.cursor = buildIndex(*snapshot, s.index);
            releaseFreedMemory();
            result.built = true;
            result.plan.resync = true;
          } else if (!changes.empty()) {
            // Read what the plan needs first; the index changes only once every read worked, so
            // a store failure here leaves the cursor and the index as they were.
            std::unordered_map<model::Oid, std::optional<model::Object>> devices;
            auto snapshot = s.store->read();
            for (const auto& c : changes) {
              if (c.className == model::cls::kDevice && c.kind == store::ChangeKind::kUpdated) {
                devices.try_emplace(c.oid, snapshot->getByOid(c.oid));
              }
            }
            snapshot.reset();
            result.readSeconds = std::chrono::duration<double>(Clock::now() - began).count();
            ObjectReader reader = [&devices](model::Oid oid) -> std::optional<model::Object> {
              auto it = devices.find(oid);
              return it == devices.end() ? std::nullopt : it->second;
            };
            auto planning = Clock::now();
            result.plan = planChanges(changes, reader, s.index, s.filters);
            result.planSeconds = std::chrono::duration<double>(Clock::now() - planning).count();
            s.cursor = cursor;
          } else {
            s.cursor = cursor;
          }
        } catch (...) {
          s.store.reset();  // reconnect next time
          throw;
        }
        result.cursor = s.cursor;
        result.indexedDevices = s.index.size();
        return result;
      })
      .then([this, alive = alive_](PollResult&& result) { if (*alive) onPolled(std::move(result)); },
            [this, alive = alive_](kj::Exception&& e) {
              if (*alive) onPollFailed(e.getDescription().cStr());
            })
      .detach([](kj::Exception&&) {});
}

void InvalidationManager::onPolled(PollResult&& result) {
  polling_ = false;
  if (failures_ > 0) {
    spdlog::info("event=store_recovered after_failures={} cursor={}", failures_, result.cursor);
    events_.raise(kStoreClass, "store_unreachable", 0, "The model store is reachable again");
    failures_ = 0;
  }
  stats_.storeReachable = true;
  stats_.indexed = true;
  stats_.cursor = result.cursor;
  stats_.indexedDevices = result.indexedDevices;
  if (result.built && !result.plan.resync) {
    spdlog::info("event=invalidations_started cursor={} devices={}", result.cursor, result.indexedDevices);
  }
  if (result.plan.resync) {
    ++stats_.resyncs;
    spdlog::warn("event=invalidations_resync cursor={} reason=\"the feed was compacted past our cursor\"",
                 result.cursor);
  }
  const auto& c = result.plan.counts;
  stats_.counts.oidsSeen += c.oidsSeen;
  stats_.counts.oidsFiltered += c.oidsFiltered;
  stats_.counts.oidsTransformed += c.oidsTransformed;
  stats_.counts.oidsIgnored += c.oidsIgnored;
  stats_.devicesAffected += result.plan.deviceCount();
  if (!result.plan.empty()) {
    spdlog::debug("event=invalidations_read oids={} devices={} cursor={} read_ms={:.1f} plan_ms={:.1f}", c.oidsSeen,
                  result.plan.deviceCount(), result.cursor, result.readSeconds * 1000, result.planSeconds * 1000);
    pending_.merge(std::move(result.plan));
    debouncer_.arrived(Clock::now());
    maybeStartCycle();
  }
  if (stopped_) return;
  auto interval = secondsToDuration(config_.pollInterval);
  auto next = result.more ? Clock::duration::zero() : std::max(Clock::duration::zero(), lastPoll_ + interval - Clock::now());
  schedulePoll(next);
}

void InvalidationManager::onPollFailed(const std::string& error) {
  polling_ = false;
  ++stats_.pollErrors;
  ++failures_;
  stats_.storeReachable = false;
  double delay = std::min(config_.maxRetryDelay, config_.pollInterval * std::pow(2.0, std::min(failures_ - 1, 16)));
  spdlog::warn("event=store_unreachable failures={} retry_in_s={:.2f} error=\"{}\"", failures_, delay, error);
  if (failures_ == 1) {
    events_.raise(kStoreClass, "store_unreachable", 4,
                  "The model store is unreachable; model changes wait until it is back: " + error);
  }
  schedulePoll(secondsToDuration(delay));
}

}  // namespace zenhub::hub::invalidation
