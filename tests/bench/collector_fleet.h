// A fleet of collectors for the scenarios that measure pushes (push-latency, storm, scale): each
// collector is one connection, logged in, listening on PingConfig for its own monitor, on the
// bench's KJ loop. Also the model helpers those scenarios share, and the change-to-push
// measurement: a device changed in the store at a random moment, timed until its config
// reaches the listener.
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bench.h"
#include "services.capnp.h"
#include "store/store.h"

namespace zenhub::bench {

// What listeners received: when each device's config arrived. Owned by the scenario; the
// listeners hold a reference, so it outlives the collectors connected with it.
struct Arrivals {
  using Clock = std::chrono::steady_clock;
  std::unordered_map<std::string, Clock::time_point> waiting;  // device -> when it was changed
  std::vector<double> latencies;                               // seconds, in arrival order
  std::map<int, std::set<std::string>> seen;                   // listener -> devices pushed (storm)
  bool recordSeen = false;
  bool issuing = false;  // changes are still being made: not done even when nothing waits
  kj::Own<kj::PromiseFulfiller<void>> done;
  size_t seenTarget = 0;
  size_t seenTotal = 0;

  void arrived(int listener, const std::string& device);
};

struct Collector {
  std::string monitor;
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyClient> rpc;
  schema::PingConfig::Client service = nullptr;
  size_t initialConfigs = 0;
  double initialSeconds = 0;  // the first getDeviceConfigs
  // Devices the service configures (a change to another is pushed as a delete): from the first
  // getDeviceConfigs, or filled in by the scenario.
  std::set<std::string> initialIds;
};

// Creates a SQLite store `name`.db in the work directory with `zenhubctl model generate`;
// returns its URI.
std::string generateModel(const Options& options, const std::string& name, int devices,
                          int collectors);

// The collectors of the model (/Monitors/Performance children), "localhost" first.
std::vector<std::string> collectorNames(store::Store& s);

// (device path, collector) of every device with a manage IP.
std::vector<std::pair<std::string, std::string>> pingedDevices(store::Store& s);

// Connects and logs in a collector per monitor, each with a PingConfig listener recording into
// `arrivals` as listener firstIndex, firstIndex + 1, ...; with `fetchInitial`, each asks for its
// configs once (what a collector does first, and what tells which devices its pushes concern).
std::vector<Collector> connectFleet(kj::AsyncIoContext& io, uint16_t port,
                                    const std::vector<std::string>& monitors, Arrivals& arrivals,
                                    bool fetchInitial, int firstIndex = 0);

// Changes `count` devices configured by the `connected` collectors, one at a time at random
// moments 0-400 ms apart (so that they fall anywhere in the hub's poll), each to a manage IP
// never used before, and waits (30 s at most) until each has reached its listener. Returns the
// latencies in seconds; throws naming the devices whose change never arrived.
std::vector<double> measurePushLatencies(
    kj::AsyncIoContext& io, store::Store& s, Arrivals& arrivals,
    const std::vector<std::pair<std::string, std::string>>& all,
    const std::vector<Collector>& connected, int count, int seed);

// Resident set size of a process in MiB (VmRSS), and its peak (VmHWM); 0 when it is gone.
double rssMb(pid_t pid);
double peakRssMb(pid_t pid);

}  // namespace zenhub::bench
