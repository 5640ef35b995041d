// Answers "is there a collector (monitor) called X?" for getService, without blocking the loop:
// the store is queried on a helper thread with the directory's own store connection. Known
// collectors are remembered for a while; an unknown name is always asked again, so a collector
// created while the hub runs is found at once (ZenHub needed a re-sync for this).
#pragma once

#include <kj/async.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "rpc/off_loop.h"

namespace zenhub::store {
class Store;
}

namespace zenhub::hub {

class MonitorDirectory {
 public:
  using Clock = std::chrono::steady_clock;

  // `storeUri` is opened lazily on the helper thread. `remember` is how long a found collector
  // is trusted without asking the store again.
  MonitorDirectory(boost::asio::io_context& io, std::string storeUri,
                   Clock::duration remember = std::chrono::seconds(30));
  ~MonitorDirectory();

  // Resolves to true when /Monitors/Performance/<name> exists. Rejects when the store cannot be
  // read (the caller reports an internal error; the hub keeps serving).
  kj::Promise<bool> exists(const std::string& name);
  // Forget a collector (its object changed or went).
  void forget(const std::string& name) { known_.erase(name); }

 private:
  std::string storeUri_;
  Clock::duration remember_;
  std::map<std::string, Clock::time_point> known_;  // name -> when it was last seen
  // Used only on the helper thread (a Store is single-threaded).
  std::shared_ptr<std::unique_ptr<store::Store>> store_;
  rpc::OffLoopRunner runner_;  // last: joined before the store goes
};

}  // namespace zenhub::hub
