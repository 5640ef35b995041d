// The ready file: JSON lines that tell scripts and tests where the hub listens and when it is
// ready, so they can start it on port 0. One line per bound listener,
//   {"event":"listening","name":"rpc","address":"127.0.0.1","port":40123}
// then {"event":"ready"}; on shutdown {"event":"stopping"}. The file is truncated at start.
#pragma once

#include <cstdint>
#include <string>

namespace zenhub::hub {

class ReadyFile {
 public:
  // An empty path disables it. Throws std::runtime_error when the file cannot be created.
  explicit ReadyFile(std::string path);

  void listening(const std::string& name, const std::string& address, uint16_t port);
  void ready(int pid);
  void stopping();

 private:
  void append(const std::string& line);
  std::string path_;
};

}  // namespace zenhub::hub
