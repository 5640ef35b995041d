// zenhubworker: started only by zenhub, with Cap'n Proto RPC on its stdin/stdout.
#include <CLI/CLI.hpp>

#include "worker/worker_app.h"

int main(int argc, char** argv) {
  zenhub::worker::WorkerOptions options;
  CLI::App app{"zenhubworker: runs service calls for zenhub over stdin/stdout (started by zenhub only)"};
  app.add_option("--store", options.store, "Store URI (sqlite:///... or postgresql://...)");
  app.add_option("--plugin-dir", options.pluginDir, "Directory of service plugins");
  app.add_option("--log-level", options.logLevel, "trace, debug, info, warn, error");
  app.add_option("--hub-pid", options.hubPid, "The hub's pid: exit at once if it is already gone");
  app.add_flag("--test-services", options.testServices, "Serve TestService (tests only)");
  app.add_flag("--test-fail-start", options.testFailStart, "Exit 3 before ready (tests only)");
  CLI11_PARSE(app, argc, argv);
  return zenhub::worker::runWorker(options);
}
