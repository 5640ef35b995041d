// Events the hub raises about itself (invalidations paused/resumed, the store unreachable and
// back, worker crash loops; heartbeats later): each is logged at once and stored, off the loop,
// in the model store's event tables with the same de-duplication as collector events (device =
// the hub's monitor name, component "zenhub"). When the store cannot take them (it is down: one
// of the things worth an event), they wait in a bounded queue and are written when it returns.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "rpc/off_loop.h"
#include "store/event_store.h"

namespace zenhub::hub {

class HubEvents {
 public:
  static constexpr size_t kMaxQueued = 1000;

  HubEvents(boost::asio::io_context& io, std::string storeUri, std::string monitor);
  ~HubEvents();

  // An event about the hub: `key` identifies it (a clear, severity 0, closes the open one with
  // the same class and key).
  void raise(const std::string& eventClass, const std::string& key, int severity, const std::string& summary);
  void raise(store::EventRecord event);

 private:
  void flush();

  boost::asio::io_context& io_;
  std::string storeUri_;
  std::string monitor_;
  std::deque<store::EventRecord> queue_;
  bool writing_ = false;
  size_t inFlight_ = 0;  // queued events (from the front) the running write holds
  uint64_t stored_ = 0;
  uint64_t dropped_ = 0;
  boost::asio::steady_timer retry_;
  std::shared_ptr<std::unique_ptr<store::EventStore>> events_;  // used on the runner's thread only
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  rpc::OffLoopRunner runner_;  // last: joined before the rest goes
};

}  // namespace zenhub::hub
