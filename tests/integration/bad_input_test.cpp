// DESIGN.md section 11, collector side: a malformed or oversized RPC message closes that
// connection (logged); the hub and its other collectors are unaffected.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "hub_process.h"
#include "rpc_client.h"

namespace zenhub::testing {
namespace {

using namespace std::chrono_literals;

// A raw TCP connection that sends bytes and reports when the hub closes it.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  }
  ~RawSocket() { ::close(fd_); }
  void send(const void* data, size_t size) { ASSERT_EQ(::send(fd_, data, size, MSG_NOSIGNAL), static_cast<ssize_t>(size)); }
  // True when the peer closed the connection (EOF or reset) within the deadline.
  bool closedWithin(std::chrono::milliseconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    char buf[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;  // EOF or reset; bytes (an abort message) are read past
    }
  }

 private:
  int fd_;
};

void expectOthersServed(HubProcess& hub) {
  auto io = kj::setupAsyncIo();
  RpcClient other(io, hub.port());
  EXPECT_EQ(std::string(other.login("admin", "zenoss").pingRequest().send().wait(io.waitScope).getReply().cStr()),
            "pong");
}

TEST(BadInput, MalformedMessageClosesThatConnectionOnly) {
  HubProcess hub;
  hub.start();
  ASSERT_TRUE(hub.waitReady());
  RawSocket raw(hub.port());
  // A segment count of 2^31: no valid Cap'n Proto message starts like this.
  const uint32_t garbage[4] = {0x7fffffff, 0x12345678, 0xdeadbeef, 0};
  raw.send(garbage, sizeof garbage);
  EXPECT_TRUE(raw.closedWithin(10s));
  EXPECT_TRUE(hub.waitForLog("event=connection_closed").has_value());
  expectOthersServed(hub);
}

TEST(BadInput, OversizedMessageClosesThatConnectionOnly) {
  HubProcess hub;
  hub.start({"--max-message-bytes", "65536"});
  ASSERT_TRUE(hub.waitReady());
  RawSocket raw(hub.port());
  // One segment of 1 Mi words (8 MiB) announced: over the 64 KiB limit, refused from the header.
  const uint32_t header[2] = {0, 1u << 20};
  raw.send(header, sizeof header);
  EXPECT_TRUE(raw.closedWithin(10s));
  auto at = hub.waitForLog("event=connection_closed");
  ASSERT_TRUE(at.has_value());
  expectOthersServed(hub);
}

}  // namespace
}  // namespace zenhub::testing
