// The hub with its real worker pool, seen from outside: a SIGKILLed worker is replaced exactly
// once and calls go on; SIGTERM leaves no worker behind; SIGUSR2 reaches ready workers.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <regex>

#include "hub_process.h"
#include "rpc_client.h"

namespace zenhub::testing {
namespace {

using namespace std::chrono_literals;

std::vector<int> startedPids(const std::string& log, const std::string& worker) {
  std::vector<int> pids;
  std::regex started("event=worker_started pool=[a-z]+ worker=" + worker + " pid=([0-9]+)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
    pids.push_back(std::stoi((*it)[1]));
  }
  return pids;
}

bool alive(int pid) { return ::kill(pid, 0) == 0; }

kj::Promise<capnp::Capability::Client> pingConfig(schema::Hub::Client& hub) {
  auto request = hub.getServiceRequest();
  request.setName("PingConfig");
  request.setMonitor("localhost");
  return request.send().then([](auto r) { return r.getService(); });
}

TEST(Workers, KilledWorkerIsReplacedExactlyOnceAndCallsGoOn) {
  HubProcess hub;
  hub.start({"--workers", "1"});
  ASSERT_TRUE(hub.waitReady());
  auto before = startedPids(hub.log(), "default-0");
  ASSERT_EQ(before.size(), 1u) << hub.log();
  size_t from = hub.logSize();
  ASSERT_EQ(::kill(before[0], SIGKILL), 0);
  ASSERT_TRUE(hub.waitForLog("event=worker_ready pool=default worker=default-0", from).has_value());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto h = client.login("admin", "zenoss");
  auto ping = pingConfig(h).wait(io.waitScope).castAs<schema::PingConfig>();
  EXPECT_GT(ping.getDeviceNamesRequest().send().wait(io.waitScope).getNames().size(), 0u);
  auto after = startedPids(hub.log(), "default-0");
  EXPECT_EQ(after.size(), 2u) << "exactly one replacement";
  EXPECT_NE(after.back(), before[0]);
}

TEST(Workers, SigtermStopsEveryWorkerAndExitsZero) {
  HubProcess hub;
  hub.start({"--workers", "2"});
  ASSERT_TRUE(hub.waitReady());
  auto pids = startedPids(hub.log(), "[a-z]+-[0-9]+");
  ASSERT_GE(pids.size(), 4u);  // default x2, events, modeling
  hub.signal(SIGTERM);
  auto code = hub.waitExit(15s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  for (int pid : pids) EXPECT_FALSE(alive(pid)) << "worker " << pid << " left behind";
  // Nothing was started after the drain began.
  const auto& log = hub.log();
  auto drainAt = log.find("event=draining");
  ASSERT_NE(drainAt, std::string::npos);
  EXPECT_EQ(log.find("event=worker_started", drainAt), std::string::npos);
}

TEST(Workers, WorkersDieWithAKilledHub) {
  HubProcess hub;
  hub.start({"--workers", "1"});
  ASSERT_TRUE(hub.waitReady());
  auto pids = startedPids(hub.log(), "[a-z]+-[0-9]+");
  ASSERT_FALSE(pids.empty());
  hub.signal(SIGKILL);
  ASSERT_TRUE(hub.waitExit().has_value());
  // PR_SET_PDEATHSIG: each worker gets SIGKILL when the hub goes. Wait for them, with a deadline.
  for (int pid : pids) {
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) continue;  // already gone
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 5000), 1) << "worker " << pid << " outlived the hub";
    ::close(fd);
  }
}

}  // namespace
}  // namespace zenhub::testing
