#include "hub/pool/log_forwarder.h"

#include <spdlog/spdlog.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <istream>

namespace zenhub::hub::pool {

struct LogForwarder::State {
  State(boost::asio::posix::stream_descriptor p, std::string w, int id)
      : pipe(std::move(p)), buffer(1 << 20), worker(std::move(w)), pid(id) {}
  boost::asio::posix::stream_descriptor pipe;
  boost::asio::streambuf buffer;
  std::string worker;
  int pid;
  bool alive = true;  // false once the forwarder is gone: a late completion logs nothing
};

LogForwarder::LogForwarder(boost::asio::posix::stream_descriptor pipe, std::string worker, int pid)
    : state_(std::make_shared<State>(std::move(pipe), std::move(worker), pid)) {
  readLine(state_);
}

LogForwarder::~LogForwarder() {
  state_->alive = false;
  boost::system::error_code ec;
  state_->pipe.close(ec);
}

void LogForwarder::readLine(const std::shared_ptr<State>& state) {
  boost::asio::async_read_until(state->pipe, state->buffer, '\n', [state](const boost::system::error_code& ec, size_t) {
    if (!state->alive) return;
    std::istream in(&state->buffer);
    std::string line;
    // Also on EOF: a last line without its newline.
    while (state->buffer.size() > 0 && std::getline(in, line)) {
      auto space = line.find(' ');
      auto level = space == std::string::npos ? spdlog::level::off
                                              : spdlog::level::from_str(line.substr(0, space));
      if (level == spdlog::level::off) {
        spdlog::info("worker={} pid={} {}", state->worker, state->pid, line);
      } else {
        spdlog::log(level, "worker={} pid={} {}", state->worker, state->pid, line.substr(space + 1));
      }
      if (!ec) break;  // read_until delivered one line; more may follow in the buffer next time
    }
    if (ec) return;  // EOF: the worker is gone
    readLine(state);
  });
}

}  // namespace zenhub::hub::pool
