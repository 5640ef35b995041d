// A minimal collector-side RPC connection for tests and benchmarks: its own KJ loop (the test's
// thread is not the hub's), a TCP connection to the hub and the bootstrap Login capability.
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <cstdint>
#include <string>

#include "hub.capnp.h"

namespace zenhub::testing {

class RpcClient {
 public:
  // Connects to 127.0.0.1:port on the thread's KJ loop (`io` from kj::setupAsyncIo()).
  RpcClient(kj::AsyncIoContext& io, uint16_t port);

  schema::Login::Client bootstrap() { return login_; }
  // Logs in and returns the Hub capability; throws kj::Exception on failure.
  schema::Hub::Client login(const std::string& user, const std::string& password);
  // Resolves when the hub closes the connection.
  kj::Promise<void> onDisconnect() { return client_->onDisconnect(); }
  kj::AsyncIoStream& stream() { return *stream_; }

 private:
  kj::AsyncIoContext& io_;
  kj::Own<kj::AsyncIoStream> stream_;
  kj::Own<capnp::TwoPartyClient> client_;
  schema::Login::Client login_;
};

// A KJ exception's description, for assertions and failure messages.
inline std::string describe(const kj::Exception& e) { return e.getDescription().cStr(); }

}  // namespace zenhub::testing
