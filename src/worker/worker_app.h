// The zenhubworker process: serves `Worker` (worker.capnp) to the hub over its stdin/stdout on
// its own KJ loop. main() parses the flags into WorkerOptions and calls runWorker().
#pragma once

#include <sys/types.h>

#include <string>

namespace zenhub::worker {

struct WorkerOptions {
  std::string store;          // store URI (--store); empty: no store (test services only)
  std::string pluginDir;      // service plugins (--plugin-dir); empty: built-in services only
  std::string logLevel = "info";
  pid_t hubPid = 0;           // the parent to die with (--hub-pid); 0: whatever parent we have
  bool testServices = false;  // serve TestService (test-only fault hooks)
  bool testFailStart = false; // exit 3 before reporting ready (test-only: a crash loop)
};

// Runs until the hub closes the pipe (exit 0). Returns 1 when setup fails (logged).
int runWorker(const WorkerOptions& options);

}  // namespace zenhub::worker
