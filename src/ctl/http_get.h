// A blocking HTTP/1.1 GET for zenhubctl's commands that read the hub's status endpoint
// (`zenhubctl stats`): one request, Connection: close, the whole exchange bounded by a timeout.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

namespace zenhub::ctl {

struct HttpReply {
  int status = 0;
  std::string body;
};

// `address` is host:port. Throws std::runtime_error naming the address when it cannot connect,
// the answer is not HTTP, or the timeout passes.
HttpReply httpGet(const std::string& address, const std::string& target, std::chrono::milliseconds timeout);

}  // namespace zenhub::ctl
