// The zenhub daemon's lifecycle, driven from outside like an operator or systemd would: start on
// port 0, ping over RPC, signals, bad configuration.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "hub_process.h"
#include "rpc_client.h"

namespace zenhub::testing {
namespace {

using namespace std::chrono_literals;

TEST(Lifecycle, StartsOnPortZeroAndAnswersPing) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  ASSERT_NE(hub.port(), 0);
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto h = client.login("admin", "zenoss");
  auto reply = h.pingRequest().send().wait(io.waitScope);
  EXPECT_EQ(std::string(reply.getReply().cStr()), "pong");
  auto id = h.getHubInstanceIdRequest().send().wait(io.waitScope);
  EXPECT_EQ(std::string(id.getId().cStr()), "localhost");
}

TEST(Lifecycle, ReadyFileListsListenersThenReady) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  std::ifstream in(hub.dir().file("ready.json"));
  std::string first, second, xmlrpc, third;
  std::getline(in, first);
  std::getline(in, second);
  std::getline(in, xmlrpc);
  std::getline(in, third);
  EXPECT_EQ(first, R"({"event":"listening","name":"rpc","address":"127.0.0.1","port":)" +
                       std::to_string(hub.port()) + "}");
  EXPECT_EQ(second, R"({"event":"listening","name":"status","address":"127.0.0.1","port":)" +
                        std::to_string(hub.port("status")) + "}");
  EXPECT_EQ(xmlrpc, R"({"event":"listening","name":"xmlrpc","address":"127.0.0.1","port":)" +
                        std::to_string(hub.port("xmlrpc")) + "}");
  EXPECT_NE(hub.port("status"), hub.port());
  EXPECT_NE(hub.port("xmlrpc"), hub.port("status"));
  EXPECT_EQ(third.rfind(R"({"event":"ready","pid":)", 0), 0u) << third;
}

TEST(Lifecycle, SigtermExitsZeroPromptlyWithClientsConnected) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  std::vector<kj::Own<RpcClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(kj::heap<RpcClient>(io, hub.port()));
    clients.back()->login("admin", "zenoss").pingRequest().send().wait(io.waitScope);
  }
  auto sent = std::chrono::steady_clock::now();
  hub.signal(SIGTERM);
  auto code = hub.waitExit(5s);
  ASSERT_TRUE(code.has_value()) << "zenhub did not exit within 5 s of SIGTERM";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 2s);
  // Every client sees its connection closed.
  for (auto& c : clients) c->onDisconnect().wait(io.waitScope);
  EXPECT_NE(hub.log().find("event=draining connections=5"), std::string::npos);
}

TEST(Lifecycle, SigintAlsoDrainsAndExitsZero) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  hub.signal(SIGINT);
  auto code = hub.waitExit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(Lifecycle, Sigusr2WritesStatsReportToTheLog) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto h = client.login("admin", "zenoss");
  for (int i = 0; i < 3; ++i) h.pingRequest().send().wait(io.waitScope);
  size_t from = hub.logSize();
  hub.signal(SIGUSR2);
  auto at = hub.waitForLog("Hub Call Statistics", from);
  ASSERT_TRUE(at.has_value());
  ASSERT_TRUE(hub.waitForLog("Hub.ping", *at).has_value());
  // The worker pool's part, in ZenHub's layout.
  auto pool = hub.waitForLog("Worklist Stats:", *at);
  ASSERT_TRUE(pool.has_value());
  ASSERT_TRUE(hub.waitForLog("Worker Statistics:", *pool).has_value());
  EXPECT_NE(hub.log().find("Connections           : 1", from), std::string::npos);
  // The hub is still serving.
  EXPECT_EQ(std::string(h.pingRequest().send().wait(io.waitScope).getReply().cStr()), "pong");
}

TEST(Lifecycle, SighupReloadsWithoutDroppingAConnectedClient) {
  HubProcess hub("log_level: info\n");
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto h = client.login("admin", "zenoss");
  h.pingRequest().send().wait(io.waitScope);
  // New password file: the new user works after the reload, the connected client stays.
  hub.dir().write("hubpasswd", "admin:zenoss\nsecond:secret\n");
  size_t from = hub.logSize();
  hub.signal(SIGHUP);
  ASSERT_TRUE(hub.waitForLog("event=reloaded", from).has_value());
  EXPECT_EQ(std::string(h.pingRequest().send().wait(io.waitScope).getReply().cStr()), "pong");
  RpcClient other(io, hub.port());
  other.login("second", "secret").pingRequest().send().wait(io.waitScope);
}

TEST(Lifecycle, SighupWithBrokenPasswordFileKeepsTheOldOne) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  hub.dir().write("hubpasswd", "no colon on this line\n");
  size_t from = hub.logSize();
  hub.signal(SIGHUP);
  ASSERT_TRUE(hub.waitForLog("event=passwd_reload_failed", from).has_value());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  client.login("admin", "zenoss").pingRequest().send().wait(io.waitScope);
}

TEST(Lifecycle, SighupWithBrokenConfigKeepsRunning) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  hub.dir().write("zenhub.yaml", "log_level: [unclosed\n");
  size_t from = hub.logSize();
  hub.signal(SIGHUP);
  ASSERT_TRUE(hub.waitForLog("event=reload_failed", from).has_value());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  client.login("admin", "zenoss").pingRequest().send().wait(io.waitScope);
}

TEST(Lifecycle, Sigusr1TogglesDebugLogging) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  hub.signal(SIGUSR1);
  auto at = hub.waitForLog("event=log_level level=debug");
  ASSERT_TRUE(at.has_value());
  hub.signal(SIGUSR1);
  ASSERT_TRUE(hub.waitForLog("event=log_level level=info", *at).has_value());
}

TEST(Lifecycle, MalformedConfigExitsTwoNamingTheLine) {
  HubProcess hub("monitor: localhost\nworkers: 2\nlisten: a: b\n");
  hub.start();
  auto code = hub.waitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(hub.log().find("zenhub.yaml:3:10: illegal map value"), std::string::npos) << hub.log();
}

TEST(Lifecycle, BadConfigListsEveryErrorWithLineAndColumn) {
  HubProcess hub("monitor: localhost\nworkers: lots\nlistne: 127.0.0.1:1\nlog_level: loud\n");
  hub.start();
  auto code = hub.waitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  const auto& log = hub.log();
  EXPECT_NE(log.find("zenhub.yaml:2:10: workers: expected an integer"), std::string::npos) << log;
  EXPECT_NE(log.find("zenhub.yaml:3:1: unknown setting 'listne'"), std::string::npos) << log;
  EXPECT_NE(log.find("zenhub.yaml:4:12: log_level: 'loud' is not one of"), std::string::npos) << log;
}

TEST(Lifecycle, MisspeltFlagExitsTwo) {
  HubProcess hub;
  hub.start({"--workerz", "3"});
  auto code = hub.waitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(hub.log().find("--workerz"), std::string::npos) << hub.log();
}

TEST(Lifecycle, UnreadablePasswordFileExitsTwo) {
  HubProcess hub;
  hub.startRaw({"--passwd", hub.dir().file("missing"), "--listen", "127.0.0.1:0"});
  auto code = hub.waitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(hub.log().find("cannot read password file"), std::string::npos) << hub.log();
}

TEST(Lifecycle, HelpDocumentsEveryScriptFlag) {
  HubProcess hub;
  hub.startRaw({"--help"});
  auto code = hub.waitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  for (const char* flag : {"--config", "--listen", "--ready-file", "--store", "--passwd", "--workers",
                           "--monitor", "--status-listen", "--xmlrpc-listen"}) {
    EXPECT_NE(hub.log().find(flag), std::string::npos) << flag;
  }
}

TEST(Lifecycle, SystemdUnitPassesVerify) {
  if (::access("/usr/bin/systemd-analyze", X_OK) != 0) GTEST_SKIP() << "systemd-analyze not installed";
  // `verify` checks that ExecStart exists: point it at the binary we built.
  TempDir dir;
  std::ifstream in(std::string(ZENHUB_SOURCE_DIR) + "/config/zenhub.service");
  std::stringstream text;
  text << in.rdbuf();
  std::string unit = text.str();
  auto at = unit.find("/usr/bin/zenhub");
  ASSERT_NE(at, std::string::npos);
  unit.replace(at, std::string("/usr/bin/zenhub").size(), binDir() + "/zenhub");
  std::string path = dir.write("zenhub.service", unit);
  std::string cmd = "systemd-analyze verify " + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int rc = ::pclose(p);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("zenhub.service:"), std::string::npos) << out;
}

}  // namespace
}  // namespace zenhub::testing
