#include "hub/signals.h"

#include <csignal>

namespace zenhub::hub {

SignalHandler::SignalHandler(boost::asio::io_context& io, std::function<void(int)> onSignal)
    : signals_(io), onSignal_(std::move(onSignal)) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2}) signals_.add(sig);
  std::signal(SIGPIPE, SIG_IGN);  // a peer gone mid-write is an error code, not a death
  wait();
}

SignalHandler::~SignalHandler() {
  *alive_ = false;
  boost::system::error_code ec;
  signals_.cancel(ec);
}

void SignalHandler::wait() {
  signals_.async_wait([this, alive = alive_](const boost::system::error_code& ec, int sig) {
    if (ec || !*alive) return;
    onSignal_(sig);
    if (*alive) wait();
  });
}

}  // namespace zenhub::hub
