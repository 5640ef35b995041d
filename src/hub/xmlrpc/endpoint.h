// The XML-RPC endpoint (DESIGN.md section 9) on an HttpServer of its own (at `xmlrpc_listen`):
// POST / and /RPC2, Content-Type text/xml. Every request is authenticated with HTTP Basic against
// the collectors' password file, through the hub's PasswordAuthenticator (crypt runs off the
// loop; SIGHUP reloads it) and with the same per-peer failure count and delay as a collector's
// login. The body is decoded off the loop, the call runs through XmlRpcMethods (in the workers),
// and the answer is a methodResponse or a fault, always with HTTP 200; wrong or missing
// credentials get 401 with `WWW-Authenticate: Basic realm="zenhub"`.
#pragma once

#include <kj/async.h>
#include <kj/timer.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "hub/http/http_server.h"
#include "hub/xmlrpc/methods.h"
#include "hub/xmlrpc/request_decoder.h"
#include "rpc/authenticator.h"
#include "rpc/event_port.h"
#include "rpc/login.h"
#include "rpc/off_loop.h"

namespace zenhub::hub::xmlrpc {

// The login machinery the endpoint shares with collector logins. All references belong to the
// hub and outlive the endpoint.
struct XmlRpcAuth {
  rpc::PasswordAuthenticator& authenticator;
  rpc::LoginFailures& failures;
  // How long a wrong password waits for its 401 (read at each failure: SIGHUP may change it).
  std::function<kj::Duration()> failureDelay;
};

struct XmlRpcCounters {
  uint64_t calls = 0;         // authenticated requests answered
  uint64_t faults = 0;        // of which answered with a fault
  uint64_t authFailures = 0;  // 401s for wrong credentials (missing ones are not counted)
};

class XmlRpcEndpoint {
 public:
  using Logger = std::function<void(const std::string&)>;

  // `io` and `port` are the hub's loop; `methods` must outlive the endpoint.
  XmlRpcEndpoint(boost::asio::io_context& io, rpc::AsioEventPort& port, XmlRpcMethods& methods,
                 XmlRpcAuth auth, DecodeLimits limits = {}, Logger log = {});
  ~XmlRpcEndpoint();
  XmlRpcEndpoint(const XmlRpcEndpoint&) = delete;
  XmlRpcEndpoint& operator=(const XmlRpcEndpoint&) = delete;

  // POST / and POST /RPC2. The server must be closed or destroyed before this endpoint.
  void addRoutes(http::HttpServer& server);

  const XmlRpcCounters& counters() const { return counters_; }

 private:
  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(XmlRpcEndpoint& owner) : owner_(owner) {}
    void taskFailed(kj::Exception&& exception) override;

   private:
    XmlRpcEndpoint& owner_;
  };

  void handle(const http::HttpRequestView& request, const http::Responder& responder);
  kj::Promise<void> serve(std::string user, std::string password, std::string body,
                          std::string peer, http::Responder responder);
  kj::Promise<std::string> answer(std::string body, std::string peer);
  void log(const std::string& line);

  rpc::AsioEventPort& port_;
  XmlRpcMethods& methods_;
  XmlRpcAuth auth_;
  DecodeLimits limits_;
  Logger log_;
  XmlRpcCounters counters_;
  ErrorHandler errorHandler_{*this};
  rpc::OffLoopRunner decoder_;  // request bodies are parsed, and answers encoded, on its thread
  kj::TaskSet tasks_;           // last: cancelled first, before what its tasks use
};

}  // namespace zenhub::hub::xmlrpc
