// Talks to systemd when the hub runs as a Type=notify service: READY, STATUS, STOPPING, and
// watchdog pings sent from the event loop itself, so a stuck loop stops the pings and systemd
// restarts the hub. Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace zenhub::hub {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::io_context& io);
  ~SystemdNotifier();

  bool active() const { return active_; }
  void ready(const std::string& status);
  void status(const std::string& status);
  void stopping(const std::string& status);
  void reloading();
  // The watchdog interval systemd asked for (0 when none).
  std::chrono::microseconds watchdogInterval() const { return watchdog_; }

 private:
  void send(const std::string& message);
  void pingWatchdog();

  bool active_ = false;
  std::chrono::microseconds watchdog_{0};
  boost::asio::steady_timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub
