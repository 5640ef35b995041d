// The collector client library: what a collector process uses to talk to zenhub.
//
//   auto io = kj::setupAsyncIo();
//   zenhub::client::HubClient hub(io, options);          // connects, logs in, stays connected
//   auto ping = hub.service("PingConfig", listener);      // re-fetched after every reconnect
//   auto configs = ping.get<zenhub::schema::PingConfig>().then([](auto cap) {
//     return cap.getDeviceConfigsRequest().send();
//   }).wait(io.waitScope);
//
// It runs on the caller's own KJ event loop (a collector's, never the hub's). After a disconnect
// it reconnects by itself with exponential backoff plus jitter, logs in again and re-registers
// every service and listener it had, so pushes resume without the collector doing anything.
// Calls made while disconnected fail with a DISCONNECTED exception: retry them.
#pragma once

#include <capnp/capability.h>
#include <kj/async-io.h>
#include <kj/compat/tls.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub.capnp.h"
#include "services.capnp.h"

namespace zenhub::client {

struct TlsOptions {
  std::string caFile;      // PEM: the CA that signed the hub's certificate
  std::string certFile;    // PEM: this collector's certificate, when the hub asks for one
  std::string keyFile;     // PEM: its key
  std::string serverName = "localhost";  // the name the hub's certificate must carry
};

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8789;
  std::string user = "admin";
  std::string password = "zenoss";  // empty with a client certificate that stands for `user`
  std::string clientName = "collector";
  std::string clientVersion;
  std::string monitor = "localhost";
  std::optional<TlsOptions> tls;
  // Reconnect delay after the n-th failure in a row: min(initial * factor^n, max) plus a uniform
  // jitter in [0, jitter]. ZenHub's collectors: 0.5 s * 3^n, at most 60 s, plus up to 1 s.
  kj::Duration initialBackoff = 500 * kj::MILLISECONDS;
  double backoffFactor = 3;
  kj::Duration maxBackoff = 60 * kj::SECONDS;
  kj::Duration jitter = 1 * kj::SECONDS;
};

// The delay before reconnect attempt `failures` (0 = after the first failure); `jitterFraction`
// in [0, 1) picks the jitter.
kj::Duration backoffDelay(const ClientOptions& options, unsigned failures, double jitterFraction);

using Options = std::vector<std::pair<std::string, std::string>>;

class HubClient;

// A service of the hub that survives reconnects.
class ServiceRef {
 public:
  // The service's capability on the current connection; waits for a (re)connection if there is
  // none. Rejects with the hub's error (zenhub.unknownService, zenhub.unknownMonitor).
  kj::Promise<capnp::Capability::Client> get();
  template <typename T>
  kj::Promise<typename T::Client> get() {
    return get().then([](capnp::Capability::Client c) { return c.castAs<T>(); });
  }

 private:
  friend class HubClient;
  struct State;
  explicit ServiceRef(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

class HubClient {
 public:
  // Starts connecting at once. `io` must outlive the client.
  HubClient(kj::AsyncIoContext& io, ClientOptions options);
  ~HubClient();
  KJ_DISALLOW_COPY(HubClient);

  // Resolves once logged in (at once when connected).
  kj::Promise<void> whenConnected();
  bool connected() const;
  // The Hub capability of the current connection (ping, getHubInstanceId, getService). Throws a
  // DISCONNECTED exception when there is none.
  schema::Hub::Client hub();
  // Registers a service (for options.monitor unless `monitor` is given) with an optional
  // listener (a ServiceListener server; null for none), fetched now and after every reconnect.
  ServiceRef service(const std::string& name, capnp::Capability::Client listener = nullptr,
                     Options options = {}, const std::string& monitor = "");
  // Successful logins so far (1 after the first connection; more after reconnects).
  uint64_t connections() const;
  // Where the client reports what it does (connected, lost, retrying in ...). Default: stderr.
  void onLog(std::function<void(const std::string&)> log);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zenhub::client
