#include "rpc_client.h"

namespace zenhub::testing {

namespace {
kj::Own<kj::AsyncIoStream> connectTo(kj::AsyncIoContext& io, uint16_t port) {
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", port).wait(io.waitScope);
  return address->connect().wait(io.waitScope);
}
}  // namespace

RpcClient::RpcClient(kj::AsyncIoContext& io, uint16_t port)
    : io_(io),
      stream_(connectTo(io, port)),
      client_(kj::heap<capnp::TwoPartyClient>(*stream_)),
      login_(client_->bootstrap().castAs<schema::Login>()) {}

schema::Hub::Client RpcClient::login(const std::string& user, const std::string& password) {
  auto request = login_.loginRequest();
  request.setUser(user);
  request.setPassword(password);
  auto info = request.initClientInfo();
  info.setName("zenhub-test");
  info.setVersion("0");
  auto response = request.send().wait(io_.waitScope);
  return response.getHub();
}

}  // namespace zenhub::testing
