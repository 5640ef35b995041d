// The hub's signals, received through asio (never async handlers of our own): SIGTERM and SIGINT
// drain, SIGHUP reloads, SIGUSR1 toggles debug logging, SIGUSR2 logs the stats report. main maps
// each to a Hub method; tests call those methods directly.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>
#include <memory>

namespace zenhub::hub {

class SignalHandler {
 public:
  SignalHandler(boost::asio::io_context& io, std::function<void(int)> onSignal);
  ~SignalHandler();

 private:
  void wait();

  boost::asio::signal_set signals_;
  std::function<void(int)> onSignal_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub
