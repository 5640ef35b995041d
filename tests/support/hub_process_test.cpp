// The HubProcess fixture itself. The hub's log goes through a pipe; a hub that logs more than
// the pipe holds (1,000 collectors connecting) must not block while the test is busy elsewhere
// and reads no log. (The push-latency bench hung so before the fixture drained it continuously.)
#include "hub_process.h"

#include <gtest/gtest.h>
#include <kj/async-io.h>

#include "rpc_client.h"

namespace zenhub::testing {
namespace {

TEST(HubProcess, ALogLargerThanThePipeNeverBlocksTheHub) {
  HubProcess hub;
  hub.start({"--log-level", "info"});
  ASSERT_TRUE(hub.waitReady());
  auto io = kj::setupAsyncIo();
  auto& timer = io.provider->getTimer();
  // Each connection logs its opening, login and closing: 1,000 of them are several times the
  // 64 KiB a pipe holds, and nothing reads the log meanwhile.
  for (int i = 0; i < 1000; ++i) {
    RpcClient client(io, hub.port());
    auto request = client.bootstrap().loginRequest();
    request.setUser("admin");
    request.setPassword("zenoss");
    bool answered =
        request.send()
            .then([](auto&&) { return true; })
            .exclusiveJoin(timer.afterDelay(10 * kj::SECONDS).then([]() { return false; }))
            .wait(io.waitScope);
    ASSERT_TRUE(answered) << "login " << i << " got no answer in 10 s";
  }
  EXPECT_GT(hub.log().size(), 4u * 65536u);
}

}  // namespace
}  // namespace zenhub::testing
