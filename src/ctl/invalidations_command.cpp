// `zenhubctl invalidations [hub flags] pause|resume|status [--json]`: the operator's control of
// the hub's invalidation processing (pushing model changes to collectors). Pause and resume each
// raise an event on the hub; while paused, changes wait in the model's change feed.
#include <capnp/compat/json.h>
#include <kj/async-io.h>

#include <iomanip>
#include <iostream>
#include <memory>

#include "ctl/command.h"
#include "ctl/hub_options.h"
#include "hub.capnp.h"

namespace zenhub::ctl {

namespace {

void printStatus(schema::InvalidationStatus::Reader s) {
  std::cout << "state:            " << (s.getPaused() ? "paused" : "running") << "\n"
            << "store:            " << (s.getStoreReachable() ? "reachable" : "UNREACHABLE") << "\n"
            << "feed cursor:      " << s.getCursor() << "\n"
            << "cycles:           " << s.getCycles() << "\n"
            << "oids seen:        " << s.getOidsSeen() << "\n"
            << "configs pushed:   " << s.getConfigsPushed() << "\n"
            << "deletes pushed:   " << s.getDeletesPushed() << "\n"
            << "pushes failed:    " << s.getPushesFailed() << "\n"
            << "pending devices:  " << s.getPendingDevices() << "\n"
            << std::fixed << std::setprecision(3)
            << "last cycle:       " << s.getLastCycleSeconds() << " s\n"
            << "max latency:      " << s.getLatencyMaxSeconds() << " s\n";
}

int runInvalidations(const HubFlags& flags, const std::string& action, bool json) {
  if (action != "pause" && action != "resume" && action != "status") {
    std::cerr << "zenhubctl invalidations: '" << action << "' is not pause, resume or status\n";
    return 2;
  }
  auto io = kj::setupAsyncIo();
  client::HubClient hub(io, toClientOptions(flags, "zenhubctl"));
  std::string lastProblem;
  hub.onLog([&](const std::string& line) { lastProblem = line; });
  auto timeout = static_cast<int64_t>(flags.timeoutSeconds * 1000) * kj::MILLISECONDS;
  auto deadline = io.provider->getTimer().afterDelay(timeout).then([&lastProblem]() -> kj::Promise<void> {
    return KJ_EXCEPTION(DISCONNECTED, kj::str("no answer from the hub; last: ", lastProblem.c_str()));
  });
  try {
    hub.whenConnected().exclusiveJoin(kj::mv(deadline)).wait(io.waitScope);
    auto target = hub.hub();
    capnp::JsonCodec codec;
    if (action == "status") {
      auto response = target.getInvalidationStatusRequest().send().wait(io.waitScope);
      if (json) {
        std::cout << codec.encode(response.getStatus()).cStr() << "\n";
      } else {
        printStatus(response.getStatus());
      }
      return 0;
    }
    auto request = target.setInvalidationsPausedRequest();
    request.setPaused(action == "pause");
    auto response = request.send().wait(io.waitScope);
    if (json) {
      std::cout << codec.encode(response.getStatus()).cStr() << "\n";
    } else {
      std::cout << "invalidations " << (action == "pause" ? "paused" : "resumed")
                << (response.getChanged() ? "" : " (already so)") << "\n";
    }
    return 0;
  } catch (const kj::Exception& e) {
    std::cerr << "zenhubctl invalidations: " << e.getDescription().cStr() << "\n";
    return 1;
  }
}

}  // namespace

void addInvalidationsCommand(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("invalidations",
                                 "Pause, resume or show the hub's pushing of model changes to collectors");
  auto flags = std::make_shared<HubFlags>();
  auto action = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  addHubFlags(*cmd, *flags);
  cmd->add_option("action", *action, "pause, resume or status")->required();
  cmd->add_flag("--json", *json, "Print the status as JSON");
  cmd->callback([=, &exitCode]() { exitCode = runInvalidations(*flags, *action, *json); });
}

}  // namespace zenhub::ctl
