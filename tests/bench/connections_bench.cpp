// Scenario `connections`: logins per second (plaintext entry, and a yescrypt entry, which the
// hub checks off its loop and then remembers) against the baseline's unchecked login; then
// 1,000 logged-in collector connections held at once, with the hub's resident memory.
#include <fstream>
#include <stdexcept>
#include <string>

#include "baseline_process.h"
#include "hub.capnp.h"
#include "hub_process.h"
#include "ping_load.h"
#include "scenarios.h"

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

namespace zenhub::bench {

namespace {

double rssMb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace

int runConnections(const Options& options) {
  testing::HubProcess hub("", "admin:zenoss\n");
  std::string out;
  testing::runCommand("printf 's3cret\\n' | " + options.binDir + "/zenhubctl passwd --file " + hub.passwdPath() +
                          " add ops",
                      &out);
  hub.start({"--log-level", "warn", "--workers", "1", "--max-connections", "5000"});
  if (!hub.waitReady()) throw std::runtime_error("zenhub did not become ready:\n" + hub.log());
  BaselineProcess baseline(options, options.workDir + "/baseline-logins.port");

  int logins = options.quick ? 50 : 500;
  std::vector<double> plain, hashed, base;
  for (int r = 0; r < options.repetitions; ++r) {
    plain.push_back(runLogins(hub.port(), logins, "admin", "zenoss"));
    hashed.push_back(runLogins(hub.port(), logins, "ops", "s3cret"));
    base.push_back(runLogins(baseline.port(), logins, "admin", "zenoss"));
  }
  reportRatio("connections", "logins/s, plaintext entry (connect + login)", plain, base,
              "capnp::EzRpcServer login without a check", true, 0.5, options);
  reportRatio("connections", "logins/s, yescrypt entry (crypt once, then remembered)", hashed, base,
              "capnp::EzRpcServer login without a check", true, 0.5, options);

  // 1,000 collectors connected and logged in at once.
  int count = options.quick ? 100 : 1000;
  double before = rssMb(hub.pid());
  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", hub.port()).wait(ws);
  struct Held {
    kj::Own<kj::AsyncIoStream> stream;
    kj::Own<capnp::TwoPartyClient> rpc;
    schema::Hub::Client hub = nullptr;
  };
  std::vector<Held> held(static_cast<size_t>(count));
  auto start = std::chrono::steady_clock::now();
  for (auto& h : held) {
    h.stream = address->connect().wait(ws);
    h.rpc = kj::heap<capnp::TwoPartyClient>(*h.stream);
    auto request = h.rpc->bootstrap().castAs<schema::Login>().loginRequest();
    request.setUser("admin");
    request.setPassword("zenoss");
    h.hub = request.send().wait(ws).getHub();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Every connection still answers.
  for (auto& h : held) h.hub.pingRequest().send().wait(ws);
  double after = rssMb(hub.pid());
  Json()
      .set("scenario", "connections")
      .set("metric", "collector connections held by one hub")
      .set("connections", count)
      .set("connect_and_login_s", seconds)
      .set("hub_rss_mb_before", before)
      .set("hub_rss_mb_after", after)
      .set("kb_per_connection", (after - before) * 1024 / count)
      .set("target", "hub RSS <= 100 MB with 1,000 collectors")
      .set("pass", after <= 100)
      .print();
  return 0;
}

}  // namespace zenhub::bench
