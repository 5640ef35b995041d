// Running zenhubctl (and shell loops of it) from tests: spawn, wait, read what it printed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace zenhub::store::testing {

struct ProcessResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// The zenhubctl binary of this build.
std::string zenhubctl();

// A started child whose stdout and stderr go to files in `dir`.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& dir);
  ~Child();  // kills and reaps the child if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Waits for the child to exit (or kills it after `timeoutMs`) and returns what it printed.
  ProcessResult wait(int timeoutMs = 60000);
  bool running();

 private:
  pid_t pid_ = -1;
  std::string outFile_;
  std::string errFile_;
  int status_ = 0;
};

// Runs to completion.
ProcessResult run(const std::vector<std::string>& argv, const std::string& dir);

}  // namespace zenhub::store::testing
