#include "hub/ready_file.h"

#include <fstream>
#include <stdexcept>

namespace zenhub::hub {

ReadyFile::ReadyFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  std::ofstream out(path_, std::ios::trunc);
  if (!out) throw std::runtime_error("cannot create the ready file " + path_);
}

void ReadyFile::append(const std::string& line) {
  if (path_.empty()) return;
  std::ofstream out(path_, std::ios::app);
  out << line << "\n";
  out.flush();
}

void ReadyFile::listening(const std::string& name, const std::string& address, uint16_t port) {
  append(R"({"event":"listening","name":")" + name + R"(","address":")" + address +
         R"(","port":)" + std::to_string(port) + "}");
}

void ReadyFile::ready(int pid) { append(R"({"event":"ready","pid":)" + std::to_string(pid) + "}"); }

void ReadyFile::stopping() { append(R"({"event":"stopping"})"); }

}  // namespace zenhub::hub
