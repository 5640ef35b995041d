#include "hub/systemd_notifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace zenhub::hub {

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io) : timer_(io) {
  active_ = std::getenv("NOTIFY_SOCKET") != nullptr;
  uint64_t usec = 0;
  if (active_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_ = std::chrono::microseconds(usec);
    spdlog::info("event=watchdog_enabled interval_ms={}", usec / 1000);
    pingWatchdog();
  }
}

SystemdNotifier::~SystemdNotifier() {
  *alive_ = false;
  timer_.cancel();
}

void SystemdNotifier::send(const std::string& message) {
  if (!active_) return;
  int rc = sd_notify(0, message.c_str());
  if (rc < 0) spdlog::warn("event=sd_notify_failed error={}", rc);
}

void SystemdNotifier::ready(const std::string& s) { send("READY=1\nSTATUS=" + s); }
void SystemdNotifier::status(const std::string& s) { send("STATUS=" + s); }
void SystemdNotifier::stopping(const std::string& s) { send("STOPPING=1\nSTATUS=" + s); }
void SystemdNotifier::reloading() { send("RELOADING=1"); }

void SystemdNotifier::pingWatchdog() {
  send("WATCHDOG=1");
  // Ping at a third of the interval: two pings may be late before systemd acts.
  timer_.expires_after(watchdog_ / 3);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) pingWatchdog();
  });
}

}  // namespace zenhub::hub
