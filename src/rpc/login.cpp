#include "rpc/login.h"

#include "rpc/errors.h"

namespace zenhub::rpc {

LoginServer::LoginServer(ConnectionContext& connection, PasswordAuthenticator& authenticator,
                         LoginFailures& failures, kj::Timer& timer, LoginPolicy policy,
                         HubFactory makeHub, Logger log)
    : connection_(connection),
      authenticator_(authenticator),
      failures_(failures),
      timer_(timer),
      policy_(policy),
      makeHub_(std::move(makeHub)),
      log_(std::move(log)) {}

kj::Promise<void> LoginServer::login(LoginContext context) {
  auto params = context.getParams();
  std::string user = params.getUser();
  std::string password = params.getPassword();
  LoginIdentity identity{user, "", "", ""};
  if (params.hasClientInfo()) {
    auto info = params.getClientInfo();
    identity.clientName = info.getName();
    identity.clientVersion = info.getVersion();
    identity.monitor = info.getMonitor();
  }
  // A verified TLS client certificate stands for the login of the user it names.
  bool byCertificate = !connection_.certificateName().empty() && user == connection_.certificateName() &&
                       password.empty();
  auto checked = byCertificate ? kj::Promise<bool>(true) : authenticator_.check(user, password);
  return checked
      .then([this, context, identity = kj::mv(identity)](bool ok) mutable -> kj::Promise<void> {
        if (ok) {
          KJ_IF_MAYBE(existing, hub_) {
            context.getResults().setHub(*existing);  // a second login returns the same capability
          } else {
            auto made = makeHub_(identity, connection_);
            hub_ = made;
            context.getResults().setHub(kj::mv(made));
          }
          connection_.markAuthenticated();
          log_("event=login_ok id=" + std::to_string(connection_.id()) + " peer=" + connection_.peer() +
               " user=" + identity.user + " client=" + identity.clientName +
               (connection_.certificateName().empty() ? "" : " certificate=" + connection_.certificateName()));
          return kj::READY_NOW;
        }
        ++failuresHere_;
        std::string address = connection_.peer().substr(0, connection_.peer().rfind(':'));
        uint64_t peerTotal = failures_.add(address);
        log_("event=login_failed id=" + std::to_string(connection_.id()) + " peer=" + connection_.peer() +
             " user=" + identity.user + " failures_here=" + std::to_string(failuresHere_) +
             " failures_from_peer=" + std::to_string(peerTotal));
        bool closeAfter = failuresHere_ >= policy_.maxFailures;
        return timer_.afterDelay(policy_.failureDelay).then([this, closeAfter]() -> kj::Promise<void> {
          if (closeAfter) connection_.close("too many failed logins");
          return makeError(ErrorCode::kAuthFailed, "login failed");
        });
      });
}

}  // namespace zenhub::rpc
