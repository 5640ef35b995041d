// LogForwarder: reads a worker's stderr line by line on the io_context and logs each line
// through spdlog with the worker's id and pid, at the level the worker gave it ("info ...").
#pragma once

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/streambuf.hpp>
#include <memory>
#include <string>

namespace zenhub::hub::pool {

class LogForwarder {
 public:
  LogForwarder(boost::asio::posix::stream_descriptor pipe, std::string worker, int pid);
  ~LogForwarder();

 private:
  void readLine();

  boost::asio::posix::stream_descriptor pipe_;
  boost::asio::streambuf buffer_;
  std::string worker_;
  int pid_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zenhub::hub::pool
