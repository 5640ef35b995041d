// Small in-test implementations of the RPC interfaces: hub.capnp's Login/Hub and big.capnp's Big.
#pragma once

#include <capnp/capability.h>

#include <cstring>
#include <string>

#include "big.capnp.h"
#include "hub.capnp.h"
#include "rpc/errors.h"

namespace zenhub::rpc::testing {

class TestHub final : public schema::Hub::Server {
 protected:
  kj::Promise<void> ping(PingContext context) override {
    context.getResults().setReply("pong");
    return kj::READY_NOW;
  }
  kj::Promise<void> getHubInstanceId(GetHubInstanceIdContext context) override {
    context.getResults().setId("test-hub");
    return kj::READY_NOW;
  }
};

// Accepts one user ("collector" / "secret").
class TestLogin final : public schema::Login::Server {
 protected:
  kj::Promise<void> login(LoginContext context) override {
    auto params = context.getParams();
    if (params.getUser() != "collector" || params.getPassword() != "secret") {
      return makeError(ErrorCode::kAuthFailed, "login failed");
    }
    context.getResults().setHub(kj::heap<TestHub>());
    return kj::READY_NOW;
  }
};

class TestBig final : public zenhub::test_schema::Big::Server {
 protected:
  kj::Promise<void> get(GetContext context) override {
    auto data = context.getResults().initData(context.getParams().getSize());
    std::memset(data.begin(), 'b', data.size());
    return kj::READY_NOW;
  }
  kj::Promise<void> ping(PingContext context) override {
    context.getResults().setReply("pong");
    return kj::READY_NOW;
  }
};

}  // namespace zenhub::rpc::testing
