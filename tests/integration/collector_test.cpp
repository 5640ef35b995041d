// Collectors against the real hub, its real workers and a real SQLite model: getService and its
// typed errors, shared instances, listeners tied to connections, calls forwarded to workers,
// slow readers, TLS, and the client library's reconnect.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include "hub_process.h"
#include "rpc_client.h"
#include "zenhub/client.h"

namespace zenhub::testing {
namespace {

using namespace std::chrono_literals;

class NullListener final : public schema::ServiceListener<>::Server {};

kj::Promise<capnp::Capability::Client> getService(schema::Hub::Client& hub, const std::string& name,
                                                  const std::string& monitor, bool listener = false) {
  auto request = hub.getServiceRequest();
  request.setName(name);
  request.setMonitor(monitor);
  if (listener) request.setListener(kj::heap<NullListener>());
  return request.send().then([](auto response) { return response.getService(); });
}

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.loadModel();
    hub_.start({"--workers", "1"});
    ASSERT_TRUE(hub_.waitReady());
  }
  HubProcess hub_;
  std::unique_ptr<kj::AsyncIoContext> ioHolder_ = std::make_unique<kj::AsyncIoContext>(kj::setupAsyncIo());
  kj::AsyncIoContext& io_ = *ioHolder_;
};

TEST_F(CollectorTest, UnknownMonitorIsATypedErrorNamingIt) {
  RpcClient client(io_, hub_.port());
  auto hub = client.login("admin", "zenoss");
  try {
    getService(hub, "PingConfig", "nowhere").wait(io_.waitScope);
    FAIL();
  } catch (const kj::Exception& e) {
    EXPECT_NE(describe(e).find("zenhub.unknownMonitor: Unknown performance monitor: 'nowhere'"), std::string::npos)
        << describe(e);
  }
}

TEST_F(CollectorTest, UnknownServiceIsATypedErrorNamingIt) {
  RpcClient client(io_, hub_.port());
  auto hub = client.login("admin", "zenoss");
  try {
    getService(hub, "NoSuchConfig", "localhost").wait(io_.waitScope);
    FAIL();
  } catch (const kj::Exception& e) {
    EXPECT_NE(describe(e).find("zenhub.unknownService: Unknown service: 'NoSuchConfig'"), std::string::npos)
        << describe(e);
  }
}

TEST_F(CollectorTest, CallsAreForwardedToAWorkerAndAnswered) {
  RpcClient client(io_, hub_.port());
  auto hub = client.login("admin", "zenoss");
  auto ping = getService(hub, "PingConfig", "localhost").wait(io_.waitScope).castAs<schema::PingConfig>();
  auto names = ping.getDeviceNamesRequest().send().wait(io_.waitScope).getNames();
  EXPECT_GT(names.size(), 0u);
  auto configs = ping.getDeviceConfigsRequest().send().wait(io_.waitScope).getConfigs();
  EXPECT_GT(configs.size(), 0u);
  for (auto c : configs) EXPECT_GT(c.getConfig().getMonitoredIps().size(), 0u) << c.getDeviceId().cStr();
}

TEST_F(CollectorTest, CollectorsOfOneMonitorShareOneServiceInstance) {
  RpcClient a(io_, hub_.port()), b(io_, hub_.port());
  auto ha = a.login("admin", "zenoss");
  auto hb = b.login("admin", "zenoss");
  getService(ha, "PingConfig", "localhost", true).wait(io_.waitScope);
  getService(hb, "PingConfig", "localhost", true).wait(io_.waitScope);
  size_t from = hub_.logSize();
  hub_.signal(SIGUSR2);
  ASSERT_TRUE(hub_.waitForLog("Service Call Statistics:", from).has_value());
  const auto& log = hub_.log();
  // One instance line with two listeners.
  auto at = log.find(" - PingConfig           localhost                    2", from);
  EXPECT_NE(at, std::string::npos) << log.substr(from);
  EXPECT_EQ(log.find(" - PingConfig", at + 1), log.find(" - PingConfig.", at + 1)) << "a second instance line";
}

TEST_F(CollectorTest, ListenerIsRemovedWhenItsCollectorDisconnects) {
  {
    RpcClient a(io_, hub_.port());
    auto ha = a.login("admin", "zenoss");
    getService(ha, "PingConfig", "localhost", true).wait(io_.waitScope);
    ASSERT_TRUE(hub_.waitForLog("event=listener_added service=PingConfig").has_value());
  }
  EXPECT_TRUE(hub_.waitForLog("event=listener_removed service=PingConfig monitor=localhost").has_value());
}

TEST_F(CollectorTest, ZenhubctlCallPingsTheHubAndCallsAService) {
  std::string pw = hub_.dir().write("pw", "zenoss\n");
  std::string base = binDir() + "/zenhubctl call --hub 127.0.0.1:" + std::to_string(hub_.port()) +
                     " --user admin --password-file " + pw + " ";
  std::string out;
  ASSERT_EQ(runCommand(base + "Hub ping", &out), 0) << out;
  EXPECT_EQ(out, "{\"reply\":\"pong\"}\n");
  ASSERT_EQ(runCommand(base + "PingConfig getDeviceNames", &out), 0) << out;
  EXPECT_EQ(out.rfind("{\"names\":[", 0), 0u) << out;
  ASSERT_NE(runCommand(base + "PingConfig getDeviceNames --monitor nowhere", &out), 0);
  EXPECT_NE(out.find("zenhub.unknownMonitor"), std::string::npos) << out;
}

// A stream that stops reading once told to: the hub's replies pile up on its side.
class StallingStream final : public kj::AsyncIoStream {
 public:
  explicit StallingStream(kj::AsyncIoStream& inner) : inner_(inner) {}
  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    if (stalled) return kj::NEVER_DONE;
    return inner_.tryRead(buffer, minBytes, maxBytes);
  }
  kj::Promise<void> write(const void* buffer, size_t size) override { return inner_.write(buffer, size); }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return inner_.write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_.whenWriteDisconnected(); }
  void shutdownWrite() override { inner_.shutdownWrite(); }
  bool stalled = false;

 private:
  kj::AsyncIoStream& inner_;
};

TEST(SlowReader, ACollectorThatNeverReadsIsDroppedWhileOthersAreServed) {
  // A 16 KiB instance id makes every getHubInstanceId reply big.
  HubProcess hub;
  hub.start({"--monitor", std::string(16384, 'm'), "--max-outbound-bytes", "1048576"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", hub.port()).wait(io.waitScope);
  auto raw = address->connect().wait(io.waitScope);
  int small = 4096;
  raw->setsockopt(SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  StallingStream stalling(*raw);
  capnp::TwoPartyClient rpc(stalling);
  auto request = rpc.bootstrap().castAs<schema::Login>().loginRequest();
  request.setUser("admin");
  request.setPassword("zenoss");
  auto slowHub = request.send().wait(io.waitScope).getHub();
  stalling.stalled = true;
  kj::Vector<kj::Promise<void>> pending;
  for (int i = 0; i < 1600; ++i) {  // ~25 MiB of replies, far past the 1 MiB cap
    pending.add(slowHub.getHubInstanceIdRequest().send().ignoreResult().catch_([](kj::Exception&&) {}));
  }
  // Keep this side's loop turning (it writes the calls) while waiting for the hub to drop us.
  bool dropped = false;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (!dropped && std::chrono::steady_clock::now() < until) {
    io.waitScope.poll();
    dropped = hub.waitForLog("reason=\"peer not reading", 0, 20ms).has_value();
  }
  ASSERT_TRUE(dropped);
  // Another collector is served normally meanwhile and after.
  RpcClient other(io, hub.port());
  auto h = other.login("admin", "zenoss");
  EXPECT_EQ(std::string(h.pingRequest().send().wait(io.waitScope).getReply().cStr()), "pong");
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(runCommand(std::string(ZENHUB_SOURCE_DIR) + "/scripts/make-test-ca.sh " + hub_.dir().file("ca")), 0);
  }
  std::string ca(const std::string& f) { return hub_.dir().file("ca/" + f); }
  client::ClientOptions options(bool withCert) {
    client::ClientOptions o;
    o.port = hub_.port();
    o.tls = client::TlsOptions{ca("ca.crt"), withCert ? ca("client.crt") : "", withCert ? ca("client.key") : "",
                               "localhost"};
    o.initialBackoff = 50 * kj::MILLISECONDS;
    o.maxBackoff = 200 * kj::MILLISECONDS;
    o.jitter = 10 * kj::MILLISECONDS;
    return o;
  }
  HubProcess hub_;
  std::unique_ptr<kj::AsyncIoContext> ioHolder_ = std::make_unique<kj::AsyncIoContext>(kj::setupAsyncIo());
  kj::AsyncIoContext& io_ = *ioHolder_;
};

TEST_F(TlsTest, PasswordLoginOverTlsWithoutClientCertificate) {
  hub_.start({"--tls-cert", ca("server.crt"), "--tls-key", ca("server.key")});
  ASSERT_TRUE(hub_.waitReady());
  client::HubClient client(io_, options(false));
  client.onLog([](const std::string&) {});
  client.whenConnected().wait(io_.waitScope);
  EXPECT_EQ(std::string(client.hub().pingRequest().send().wait(io_.waitScope).getReply().cStr()), "pong");
}

TEST_F(TlsTest, ClientCertificateStandsForTheLogin) {
  hub_.start({"--tls-cert", ca("server.crt"), "--tls-key", ca("server.key"), "--tls-client-ca", ca("ca.crt")});
  ASSERT_TRUE(hub_.waitReady());
  auto o = options(true);
  o.password = "";  // the certificate (CN=admin) is the credential
  client::HubClient client(io_, o);
  client.onLog([](const std::string&) {});
  client.whenConnected().wait(io_.waitScope);
  EXPECT_EQ(std::string(client.hub().pingRequest().send().wait(io_.waitScope).getReply().cStr()), "pong");
  EXPECT_TRUE(hub_.waitForLog("certificate=admin").has_value());
}

TEST_F(TlsTest, HubThatRequiresCertificatesRefusesAClientWithout) {
  hub_.start({"--tls-cert", ca("server.crt"), "--tls-key", ca("server.key"), "--tls-client-ca", ca("ca.crt")});
  ASSERT_TRUE(hub_.waitReady());
  client::HubClient client(io_, options(false));
  std::vector<std::string> lines;
  client.onLog([&](const std::string& line) { lines.push_back(line); });
  // The client keeps retrying (its loop must run); wait for the hub to log the refused handshake.
  bool refused = false;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (!refused && std::chrono::steady_clock::now() < until) {
    io_.provider->getTimer().afterDelay(10 * kj::MILLISECONDS).wait(io_.waitScope);
    refused = hub_.waitForLog("event=tls_handshake_failed", 0, 0ms).has_value();
  }
  EXPECT_TRUE(refused);
  EXPECT_FALSE(client.connected());
}

TEST_F(TlsTest, PlainClientCannotTalkToATlsHub) {
  hub_.start({"--tls-cert", ca("server.crt"), "--tls-key", ca("server.key")});
  ASSERT_TRUE(hub_.waitReady());
  RpcClient plain(io_, hub_.port());
  EXPECT_ANY_THROW(plain.login("admin", "zenoss"));
}

TEST(ClientLibrary, BackoffGrowsByTheFactorUpToTheCapPlusJitter) {
  client::ClientOptions o;
  EXPECT_EQ(client::backoffDelay(o, 0, 0) / kj::MILLISECONDS, 500);
  EXPECT_EQ(client::backoffDelay(o, 1, 0) / kj::MILLISECONDS, 1500);
  EXPECT_EQ(client::backoffDelay(o, 2, 0) / kj::MILLISECONDS, 4500);
  EXPECT_EQ(client::backoffDelay(o, 10, 0) / kj::MILLISECONDS, 60000);
  EXPECT_EQ(client::backoffDelay(o, 10, 0.5) / kj::MILLISECONDS, 60500);
}

TEST(ClientLibrary, ReconnectsAfterTheHubRestartsAndReRegistersItsListener) {
  auto io = kj::setupAsyncIo();
  HubProcess first;
  first.loadModel();
  first.start({"--workers", "1"});
  ASSERT_TRUE(first.waitReady());
  uint16_t port = first.port();
  client::ClientOptions o;
  o.port = port;
  o.initialBackoff = 50 * kj::MILLISECONDS;
  o.maxBackoff = 200 * kj::MILLISECONDS;
  o.jitter = 20 * kj::MILLISECONDS;
  client::HubClient client(io, o);
  client.onLog([](const std::string&) {});
  auto ping = client.service("PingConfig", kj::heap<NullListener>());
  client.whenConnected().wait(io.waitScope);
  ping.get<schema::PingConfig>().wait(io.waitScope).getDeviceNamesRequest().send().wait(io.waitScope);
  ASSERT_TRUE(first.waitForLog("event=listener_added service=PingConfig").has_value());

  first.signal(SIGTERM);
  ASSERT_EQ(first.waitExit(), 0);
  // A new hub on the same port and store.
  HubProcess second;
  second.start({"--workers", "1", "--store", first.storeUri(), "--listen", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(second.waitReady());
  // Run the client's loop (it notices the loss, backs off, reconnects, logs in, re-registers)
  // until it has logged in again, with a deadline.
  auto until = std::chrono::steady_clock::now() + 10s;
  while (client.connections() < 2 && std::chrono::steady_clock::now() < until) {
    io.provider->getTimer().afterDelay(10 * kj::MILLISECONDS).wait(io.waitScope);
  }
  ASSERT_EQ(client.connections(), 2u);
  auto names = ping.get<schema::PingConfig>().wait(io.waitScope).getDeviceNamesRequest().send().wait(io.waitScope);
  EXPECT_GT(names.getNames().size(), 0u);
  // The listener was registered on the new hub with the service.
  EXPECT_TRUE(second.waitForLog("event=listener_added service=PingConfig monitor=localhost").has_value());
}

}  // namespace
}  // namespace zenhub::testing
