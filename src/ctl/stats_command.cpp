// `zenhubctl stats [--status HOST:PORT] [--json]`: the hub's stats report, read from its HTTP
// status endpoint (`status_listen`, 127.0.0.1:8090 by default): the same text SIGUSR2 writes to
// the hub's log, or with --json the /stats document. No signal, no log digging.
#include <iostream>
#include <memory>
#include <string>

#include "ctl/command.h"
#include "ctl/http_get.h"

namespace zenhub::ctl {

namespace {

int runStats(const std::string& status, bool json, double timeoutSeconds) {
  try {
    auto reply = httpGet(status, json ? "/stats" : "/report",
                         std::chrono::milliseconds(static_cast<int64_t>(timeoutSeconds * 1000)));
    if (reply.status != 200) {
      std::cerr << "zenhubctl stats: the status endpoint at " << status << " answered " << reply.status << ": "
                << reply.body << "\n";
      return 1;
    }
    std::cout << reply.body;
    if (!reply.body.empty() && reply.body.back() != '\n') std::cout << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "zenhubctl stats: " << e.what() << " (is the hub running, and is --status its status_listen?)\n";
    return 1;
  }
}

}  // namespace

void addStatsCommand(CLI::App& app, int& exitCode) {
  struct Args {
    std::string status = "127.0.0.1:8090";
    bool json = false;
    double timeout = 10;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "stats", "Show the hub's stats report (workers, queues, calls, invalidations) from its status endpoint");
  cmd->add_option("--status", args->status, "The hub's status_listen address host:port")->capture_default_str();
  cmd->add_flag("--json", args->json, "The report as JSON (the /stats document)");
  cmd->add_option("--timeout", args->timeout, "Seconds to wait for the hub")->capture_default_str();
  cmd->callback([args, &exitCode]() { exitCode = runStats(args->status, args->json, args->timeout); });
}

}  // namespace zenhub::ctl
