// zenhub: parse flags and config, load the password file, build the hub on one io_context,
// map signals to it and run the loop. Everything else is in the zenhub_hub library.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "hub/hub.h"
#include "hub/logging.h"
#include "hub/signals.h"

namespace {

// Runs the loop until it is stopped. An exception escaping an asio handler is a bug: log it and
// keep serving rather than drop every collector.
void runLoop(boost::asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const kj::Exception& e) {
      spdlog::error("event=handler_exception error=\"{}\"", e.getDescription().cStr());
    } catch (const std::exception& e) {
      spdlog::error("event=handler_exception error=\"{}\"", e.what());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zenhub;
#ifdef __GLIBC__
  // Large RPC messages (a full config reply can be tens of MiB) get their own mappings, returned
  // when freed. glibc otherwise raises its mmap threshold after the first such message and keeps
  // the memory of every later one in the heap: 110 MB of resident size after one 62 MiB reply
  // instead of 65 MB (zenhub-bench scale).
  ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  auto commandLine = hub::parseCommandLine(argc, argv);
  if (commandLine.exitCode >= 0) {
    (commandLine.exitCode == 0 ? std::cout : std::cerr) << commandLine.output;
    return commandLine.exitCode;
  }
  hub::HubConfig config = commandLine.config;
  hub::setupLogging(config.logLevel);

  rpc::PasswdFile passwd;
  try {
    passwd = rpc::PasswdFile::load(config.passwd);
  } catch (const rpc::PasswdError& e) {
    std::cerr << "zenhub: refusing to start: " << e.what() << "\n";
    return 2;
  }
  if (commandLine.checkOnly) {
    std::cout << "zenhub: configuration " << (config.configPath.empty() ? "(defaults)" : config.configPath)
              << " is valid; password file " << config.passwd << " has " << passwd.users().size() << " user(s)\n";
    return 0;
  }

  spdlog::info("event=starting version=0.1.0 monitor={} config={} store={}", config.monitor,
               config.configPath.empty() ? "(defaults)" : config.configPath, config.store);
  boost::asio::io_context io(1);
  int exitCode = 0;
  {
    rpc::AsioEventPort port(io);
    // The workers are started from the directory this binary is in.
    std::string workerExe = std::filesystem::canonical("/proc/self/exe").parent_path() / "zenhubworker";
    hub::Hub hub(io, port, config, std::move(passwd), workerExe,
                 [argc, argv]() { return hub::parseCommandLine(argc, argv); }, [&io]() { io.stop(); });
    hub::SignalHandler signals(io, [&hub](int sig) {
      spdlog::info("event=signal signal={}", strsignal(sig));
      switch (sig) {
        case SIGTERM:
        case SIGINT: hub.drain(); break;
        case SIGHUP: hub.reload(); break;
        case SIGUSR1: hub.toggleDebug(); break;
        case SIGUSR2: hub.logReport(); break;
        default: break;
      }
    });
    try {
      hub.start();
      runLoop(io);
    } catch (const std::exception& e) {
      spdlog::critical("event=start_failed error=\"{}\"", e.what());
      exitCode = 1;
    }
    port.drainKj();
  }
  return exitCode;
}
