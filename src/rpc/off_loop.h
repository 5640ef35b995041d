// OffLoopRunner: runs blocking work (crypt(3), a store query) on a small thread pool and delivers
// the result to the event loop as a KJ promise, so the hub's one thread never blocks on it.
// The work function runs on a pool thread and must not touch loop-owned objects; its result is
// moved back to the loop, where the promise is fulfilled (through AsioEventPort::fromAsio).
// Destroying the runner waits for running work and drops its results; pending promises reject.
#pragma once

#include <kj/async.h>
#include <kj/function.h>
#include <kj/debug.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "rpc/event_port.h"

namespace zenhub::rpc {

class OffLoopRunner {
 public:
  // `io` is the loop results are delivered on; it must outlive the runner.
  explicit OffLoopRunner(boost::asio::io_context& io, size_t threads = 1) : io_(io), pool_(threads) {}
  ~OffLoopRunner() {
    *alive_ = false;
    pool_.join();
  }
  KJ_DISALLOW_COPY(OffLoopRunner);

  // Runs `work` off the loop. A std::exception it throws rejects the promise (FAILED, with its
  // message); a kj::Exception is passed through.
  template <typename T>
  kj::Promise<T> run(std::function<T()> work) {
    uint64_t id = nextId_++;
    auto paf = kj::newPromiseAndFulfiller<T>();
    pending_.emplace(id, [fulfiller = kj::mv(paf.fulfiller)](Outcome& outcome) mutable {
      if (outcome.error) {
        fulfiller->reject(kj::cp(*outcome.error));
      } else {
        fulfiller->fulfill(kj::mv(*std::static_pointer_cast<T>(outcome.value)));
      }
    });
    boost::asio::post(pool_, [this, alive = alive_, id, work = std::move(work)]() mutable {
      auto outcome = std::make_shared<Outcome>();
      try {
        outcome->value = std::make_shared<T>(work());
      } catch (const kj::Exception& e) {
        outcome->error = std::make_shared<kj::Exception>(e);
      } catch (const std::exception& e) {
        outcome->error = std::make_shared<kj::Exception>(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                                                         kj::str(e.what()));
      }
      boost::asio::post(io_, [this, alive, id, outcome]() {
        if (*alive) deliver(id, *outcome);
      });
    });
    return kj::mv(paf.promise);
  }

  size_t pending() const { return pending_.size(); }

 private:
  struct Outcome {
    std::shared_ptr<void> value;
    std::shared_ptr<kj::Exception> error;
  };
  // Holds a fulfiller (not copyable) behind a movable callable.
  using Deliver = kj::Function<void(Outcome&)>;

  void deliver(uint64_t id, Outcome& outcome) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    auto fn = kj::mv(it->second);
    pending_.erase(it);
    if (auto* port = AsioEventPort::current()) {
      port->fromAsio([&]() { fn(outcome); });
    } else {
      fn(outcome);
    }
  }

  boost::asio::io_context& io_;
  std::map<uint64_t, Deliver> pending_;
  uint64_t nextId_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::thread_pool pool_;  // last: joined (in the destructor) before the rest goes
};

}  // namespace zenhub::rpc
