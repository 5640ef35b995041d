#include "hub/hub_events.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

namespace zenhub::hub {

HubEvents::HubEvents(boost::asio::io_context& io, std::string storeUri, std::string monitor)
    : io_(io), storeUri_(std::move(storeUri)), monitor_(std::move(monitor)), retry_(io),
      events_(std::make_shared<std::unique_ptr<store::EventStore>>()), runner_(io) {}

HubEvents::~HubEvents() { *alive_ = false; }

void HubEvents::raise(const std::string& eventClass, const std::string& key, int severity,
                      const std::string& summary) {
  store::EventRecord e;
  e.device = monitor_;
  e.component = "zenhub";
  e.eventClass = eventClass;
  e.eventKey = key;
  e.severity = severity;
  e.summary = summary;
  raise(std::move(e));
}

void HubEvents::raise(store::EventRecord event) {
  if (event.agent.empty()) event.agent = "zenhub";
  if (event.monitor.empty()) event.monitor = monitor_;
  if (event.timestamp == 0) {
    event.timestamp = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  auto level = event.severity >= 4 ? spdlog::level::err : event.severity == 3 ? spdlog::level::warn : spdlog::level::info;
  if (event.eventClass == "/Heartbeat") level = spdlog::level::debug;  // every 30 s: not news
  spdlog::log(level,
              "event=hub_event class={} key={} severity={} summary=\"{}\"", event.eventClass, event.eventKey,
              event.severity, event.summary);
  if (queue_.size() >= kMaxQueued) {
    queue_.pop_front();  // the oldest goes: the newest says most about now
    if (inFlight_ > 0) --inFlight_;
    ++dropped_;
    spdlog::warn("event=hub_event_dropped reason=\"queue full while the store is down\" dropped_total={}", dropped_);
  }
  queue_.push_back(std::move(event));
  flush();
}

void HubEvents::flush() {
  if (writing_ || queue_.empty()) return;
  writing_ = true;
  auto batch = std::make_shared<std::vector<store::EventRecord>>(queue_.begin(), queue_.end());
  inFlight_ = batch->size();
  auto events = events_;
  std::string uri = storeUri_;
  auto alive = alive_;
  // Detached: the runner drops the result if the hub goes first.
  runner_.run<bool>([events, uri, batch]() {
           try {
             if (!*events) *events = store::openEventStore(uri);
             (*events)->write(*batch);
           } catch (...) {
             events->reset();  // reconnect next time
             throw;
           }
           return true;
         })
      .then(
          [this, alive, n = batch->size()](bool) {
            if (!*alive) return;
            writing_ = false;
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(std::min(inFlight_, queue_.size())));
            inFlight_ = 0;
            stored_ += n;
            spdlog::info("event=hub_events_stored count={} total={}", n, stored_);
            flush();
          },
          [this, alive](kj::Exception&& e) {
            if (!*alive) return;
            writing_ = false;
            spdlog::warn("event=hub_event_store_failed queued={} error=\"{}\"; retrying in 5 s", queue_.size(),
                         e.getDescription().cStr());
            retry_.expires_after(std::chrono::seconds(5));
            retry_.async_wait([this, alive](const boost::system::error_code& ec) {
              if (!ec && *alive) flush();
            });
          })
      .detach([](kj::Exception&&) {});
}

}  // namespace zenhub::hub
