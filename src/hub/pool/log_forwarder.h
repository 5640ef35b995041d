// LogForwarder: reads a worker's stderr line by line on the io_context and logs each line
// through spdlog with the worker's id and pid, at the level the worker gave it ("info ...").
#pragma once

#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>
#include <string>

namespace zenhub::hub::pool {

class LogForwarder {
 public:
  LogForwarder(boost::asio::posix::stream_descriptor pipe, std::string worker, int pid);
  // Closes the pipe. A read that already completed may still be queued on the io_context: asio's
  // read_until commits into the buffer and may read again before our handler runs, so the pipe
  // and the buffer live in a state the pending read shares, not in this object.
  ~LogForwarder();

 private:
  struct State;
  static void readLine(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
};

}  // namespace zenhub::hub::pool
