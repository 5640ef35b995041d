// Collector login against the real hub: nothing but login before it, typed errors after a delay,
// the connection closed after too many failures or when it never logs in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "hub_process.h"
#include "rpc_client.h"

namespace zenhub::testing {
namespace {

using namespace std::chrono_literals;

TEST(Login, WrongPasswordIsATypedErrorAfterADelayAndTheConnectionStaysUsable) {
  HubProcess hub;
  hub.start({"--login-failure-delay", "0.3"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto start = std::chrono::steady_clock::now();
  try {
    client.login("admin", "wrong");
    FAIL() << "login with a wrong password succeeded";
  } catch (const kj::Exception& e) {
    EXPECT_NE(describe(e).find("zenhub.authFailed"), std::string::npos) << describe(e);
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  // Same connection, right password.
  client.login("admin", "zenoss").pingRequest().send().wait(io.waitScope);
}

TEST(Login, UnknownUserIsTheSameTypedError) {
  HubProcess hub;
  hub.start({"--login-failure-delay", "0.05"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  try {
    client.login("nobody", "zenoss");
    FAIL();
  } catch (const kj::Exception& e) {
    EXPECT_NE(describe(e).find("zenhub.authFailed"), std::string::npos) << describe(e);
  }
}

TEST(Login, HashedEntriesMadeByZenhubctlWork) {
  HubProcess hub("", "");
  // zenhubctl reads the password from stdin, never from argv, and stores a yescrypt hash.
  std::string cmd = "printf 's3cret\\n' | " + binDir() + "/zenhubctl passwd --file " + hub.passwdPath() + " add ops";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(hub.passwdPath());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("ops:$y$", 0), 0u) << line;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  client.login("ops", "s3cret").pingRequest().send().wait(io.waitScope);
  EXPECT_ANY_THROW(client.login("ops", "s3cret2"));
  EXPECT_EQ(hub.log().find("event=plaintext_password"), std::string::npos);
}

TEST(Login, PlaintextEntryWorksWithAWarning) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  EXPECT_NE(hub.log().find("event=plaintext_password user=admin"), std::string::npos);
}

TEST(Login, NothingButLoginIsReachableBeforeIt) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  // Treat the bootstrap as if it were the Hub: the call must fail, not answer.
  auto fake = client.bootstrap().castAs<schema::Hub>();
  EXPECT_ANY_THROW(fake.pingRequest().send().wait(io.waitScope));
}

TEST(Login, TooManyFailuresCloseTheConnection) {
  HubProcess hub;
  hub.start({"--login-failure-delay", "0", "--login-max-failures", "2"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  for (int i = 0; i < 2; ++i) EXPECT_ANY_THROW(client.login("admin", "bad"));
  client.onDisconnect().wait(io.waitScope);
  EXPECT_TRUE(hub.waitForLog("reason=\"too many failed logins\"").has_value());
}

TEST(Login, IdleUnauthenticatedConnectionIsClosedAfterTheDeadline) {
  HubProcess hub;
  hub.start({"--login-deadline", "0.3"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto start = std::chrono::steady_clock::now();
  client.onDisconnect().wait(io.waitScope);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_TRUE(hub.waitForLog("no login within the deadline").has_value());
}

TEST(Login, LoggedInConnectionOutlivesTheDeadline) {
  HubProcess hub;
  hub.start({"--login-deadline", "0.2"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  RpcClient client(io, hub.port());
  auto h = client.login("admin", "zenoss");
  // Wait past the deadline on the hub's own clock: another connection's deadline expiring.
  RpcClient idle(io, hub.port());
  idle.onDisconnect().wait(io.waitScope);
  EXPECT_EQ(std::string(h.pingRequest().send().wait(io.waitScope).getReply().cStr()), "pong");
}

}  // namespace
}  // namespace zenhub::testing
