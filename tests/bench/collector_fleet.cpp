#include "collector_fleet.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>

#include "hub.capnp.h"
#include "hub_process.h"

namespace zenhub::bench {

namespace {

using Clock = std::chrono::steady_clock;

class RecordingListener final : public schema::ServiceListener<>::Server {
 public:
  RecordingListener(Arrivals& arrivals, int index) : arrivals_(arrivals), index_(index) {}
  kj::Promise<void> updateDeviceConfigs(UpdateDeviceConfigsContext context) override {
    for (auto c : context.getParams().getConfigs()) arrivals_.arrived(index_, c.getDeviceId());
    return kj::READY_NOW;
  }

 private:
  Arrivals& arrivals_;
  int index_;
};

double statusMb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(field.size())) / 1024;
  }
  return 0;
}

}  // namespace

void Arrivals::arrived(int listener, const std::string& device) {
  auto now = Clock::now();
  if (auto it = waiting.find(device); it != waiting.end()) {
    latencies.push_back(std::chrono::duration<double>(now - it->second).count());
    waiting.erase(it);
  }
  if (recordSeen && seen[listener].insert(device).second) ++seenTotal;
  bool finished = recordSeen ? seenTotal >= seenTarget : waiting.empty() && !issuing;
  if (finished && done && done->isWaiting()) done->fulfill();
}

std::string generateModel(const Options& options, const std::string& name, int devices,
                          int collectors) {
  std::string uri = "sqlite://" + options.workDir + "/" + name + ".db";
  std::string ctl = options.binDir + "/zenhubctl model --store " + uri;
  std::string out;
  if (testing::runCommand(ctl + " init", &out) != 0 ||
      testing::runCommand(ctl + " generate --devices " + std::to_string(devices) +
                              " --collectors " + std::to_string(collectors),
                          &out) != 0) {
    throw std::runtime_error("cannot generate the model: " + out);
  }
  return uri;
}

std::vector<std::string> collectorNames(store::Store& s) {
  auto txn = s.read();
  std::vector<std::string> names;
  for (const auto& c : txn->children(txn->get(model::kCollectorsRoot)->oid)) names.push_back(c.id);
  return names;
}

std::vector<std::pair<std::string, std::string>> pingedDevices(store::Store& s) {
  auto txn = s.read();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : txn->ofClass(model::cls::kDevice)) {
    if (!model::getString(d.properties, "manageIp")) continue;
    out.emplace_back(d.path, model::getString(d.properties, "perfServer").value_or(""));
  }
  return out;
}

std::vector<Collector> connectFleet(kj::AsyncIoContext& io, uint16_t port,
                                    const std::vector<std::string>& monitors, Arrivals& arrivals,
                                    bool fetchInitial, int firstIndex) {
  auto& ws = io.waitScope;
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", port).wait(ws);
  std::vector<Collector> out(monitors.size());
  for (size_t i = 0; i < monitors.size(); ++i) {
    auto& c = out[i];
    c.monitor = monitors[i];
    c.stream = address->connect().wait(ws);
    c.rpc = kj::heap<capnp::TwoPartyClient>(*c.stream);
    auto login = c.rpc->bootstrap().castAs<schema::Login>().loginRequest();
    login.setUser("admin");
    login.setPassword("zenoss");
    auto hub = login.send().wait(ws).getHub();
    auto get = hub.getServiceRequest();
    get.setName("PingConfig");
    get.setMonitor(c.monitor);
    get.setListener(kj::heap<RecordingListener>(arrivals, firstIndex + static_cast<int>(i)));
    c.service = get.send().wait(ws).getService().castAs<schema::PingConfig>();
    if (fetchInitial) {
      auto start = Clock::now();
      auto configs = c.service.getDeviceConfigsRequest().send().wait(ws);
      c.initialSeconds = std::chrono::duration<double>(Clock::now() - start).count();
      c.initialConfigs = configs.getConfigs().size();
      for (auto config : configs.getConfigs()) c.initialIds.insert(config.getDeviceId());
    }
  }
  return out;
}

std::vector<double> measurePushLatencies(
    kj::AsyncIoContext& io, store::Store& s, Arrivals& arrivals,
    const std::vector<std::pair<std::string, std::string>>& all,
    const std::vector<Collector>& connected, int count, int seed) {
  // Devices the connected collectors' PingConfig configures (a change to another is a delete).
  std::set<std::string> configured;
  for (const auto& c : connected) configured.insert(c.initialIds.begin(), c.initialIds.end());
  std::vector<std::pair<std::string, std::string>> candidates;
  for (const auto& d : all) {
    if (configured.count(d.first.substr(d.first.rfind('/') + 1))) candidates.push_back(d);
  }
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::uniform_int_distribution<int> gapMs(0, 400);
  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  arrivals.latencies.clear();
  auto paf = kj::newPromiseAndFulfiller<void>();
  arrivals.done = kj::mv(paf.fulfiller);
  auto& timer = io.provider->getTimer();
  arrivals.issuing = true;
  for (int i = 0; i < count && static_cast<size_t>(i) < order.size(); ++i) {
    timer.afterDelay(gapMs(rng) * kj::MILLISECONDS).wait(io.waitScope);
    const auto& path = candidates[order[static_cast<size_t>(i)]].first;
    auto txn = s.write();
    // A value never used before in this process (an unchanged value is no change, and nothing
    // would be pushed).
    static int serial = 0;
    ++serial;
    txn->update(path, {{"manageIp", "10." + std::to_string(serial / 62500 % 250) + "." +
                                        std::to_string(serial / 250 % 250) + "." +
                                        std::to_string(serial % 250 + 1)}});
    txn->commit();
    arrivals.waiting[path.substr(path.rfind('/') + 1)] = Clock::now();
  }
  arrivals.issuing = false;
  if (!arrivals.waiting.empty()) {
    paf.promise.exclusiveJoin(timer.afterDelay(30 * kj::SECONDS)).wait(io.waitScope);
  }
  if (!arrivals.waiting.empty()) {
    std::string which;
    for (const auto& [device, t] : arrivals.waiting) which += " " + device;
    throw std::runtime_error(std::to_string(arrivals.waiting.size()) +
                             " changes never reached their collector:" + which);
  }
  return arrivals.latencies;
}

double rssMb(pid_t pid) {
  return statusMb(pid, "VmRSS:");
}
double peakRssMb(pid_t pid) {
  return statusMb(pid, "VmHWM:");
}

}  // namespace zenhub::bench
