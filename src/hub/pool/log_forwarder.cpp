#include "hub/pool/log_forwarder.h"

#include <spdlog/spdlog.h>

#include <boost/asio/read_until.hpp>
#include <istream>

namespace zenhub::hub::pool {

LogForwarder::LogForwarder(boost::asio::posix::stream_descriptor pipe, std::string worker, int pid)
    : pipe_(std::move(pipe)), buffer_(1 << 20), worker_(std::move(worker)), pid_(pid) {
  readLine();
}

LogForwarder::~LogForwarder() {
  *alive_ = false;
  boost::system::error_code ec;
  pipe_.close(ec);
}

void LogForwarder::readLine() {
  boost::asio::async_read_until(pipe_, buffer_, '\n', [this, alive = alive_](const boost::system::error_code& ec, size_t) {
    if (!*alive) return;
    std::istream in(&buffer_);
    std::string line;
    // Also on EOF: a last line without its newline.
    while (buffer_.size() > 0 && std::getline(in, line)) {
      auto space = line.find(' ');
      auto level = space == std::string::npos ? spdlog::level::off
                                              : spdlog::level::from_str(line.substr(0, space));
      if (level == spdlog::level::off) {
        spdlog::info("worker={} pid={} {}", worker_, pid_, line);
      } else {
        spdlog::log(level, "worker={} pid={} {}", worker_, pid_, line.substr(space + 1));
      }
      if (!ec) break;  // read_until delivered one line; more may follow in the buffer next time
    }
    if (ec) return;  // EOF: the worker is gone
    readLine();
  });
}

}  // namespace zenhub::hub::pool
