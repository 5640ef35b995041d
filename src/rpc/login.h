// The bootstrap capability of every collector connection: only `login` is reachable. A correct
// login returns the `Hub` capability made by the caller's factory; a wrong one is answered with
// zenhub.authFailed after a delay (slows password guessing), and the connection is closed after
// too many failures. Failures are also counted per peer address for the hub's stats and log.
#pragma once

#include <kj/timer.h>

#include <functional>
#include <map>
#include <string>

#include "hub.capnp.h"
#include "rpc/authenticator.h"
#include "rpc/rpc_listener.h"

namespace zenhub::rpc {

struct LoginPolicy {
  kj::Duration failureDelay = 1 * kj::SECONDS;
  unsigned maxFailures = 5;  // per connection, then it is closed
};

// Per-peer failure counts, shared by all connections of a listener.
class LoginFailures {
 public:
  // Returns the peer's total so far.
  uint64_t add(const std::string& peerAddress) { return ++byPeer_[peerAddress]; }
  uint64_t total() const {
    uint64_t sum = 0;
    for (const auto& [peer, n] : byPeer_) sum += n;
    return sum;
  }
  const std::map<std::string, uint64_t>& byPeer() const { return byPeer_; }

 private:
  std::map<std::string, uint64_t> byPeer_;
};

struct LoginIdentity {
  std::string user;
  std::string clientName;
  std::string clientVersion;
  std::string monitor;
};

class LoginServer final : public schema::Login::Server {
 public:
  using HubFactory = std::function<schema::Hub::Client(const LoginIdentity&, ConnectionContext&)>;
  using Logger = std::function<void(const std::string&)>;

  // Every reference must outlive the connection (they belong to the hub).
  LoginServer(ConnectionContext& connection, PasswordAuthenticator& authenticator,
              LoginFailures& failures, kj::Timer& timer, LoginPolicy policy, HubFactory makeHub,
              Logger log);

  kj::Promise<void> login(LoginContext context) override;

 private:
  ConnectionContext& connection_;
  PasswordAuthenticator& authenticator_;
  LoginFailures& failures_;
  kj::Timer& timer_;
  LoginPolicy policy_;
  HubFactory makeHub_;
  Logger log_;
  unsigned failuresHere_ = 0;
  kj::Maybe<schema::Hub::Client> hub_;
};

}  // namespace zenhub::rpc
