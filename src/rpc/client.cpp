#include "zenhub/client.h"

#include <capnp/rpc-twoparty.h>
#include <kj/debug.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <random>

#include "rpc/tls_server.h"

namespace zenhub::client {

kj::Duration backoffDelay(const ClientOptions& options, unsigned failures, double jitterFraction) {
  double base = static_cast<double>(options.initialBackoff / kj::NANOSECONDS) *
                std::pow(options.backoffFactor, static_cast<double>(std::min(failures, 64u)));
  double cap = static_cast<double>(options.maxBackoff / kj::NANOSECONDS);
  double jitter = static_cast<double>(options.jitter / kj::NANOSECONDS) * std::clamp(jitterFraction, 0.0, 1.0);
  return static_cast<int64_t>(std::min(base, cap) + jitter) * kj::NANOSECONDS;
}

struct ServiceRef::State {
  std::string name;
  std::string monitor;
  capnp::Capability::Client listener = nullptr;
  Options options;
  kj::Maybe<capnp::Capability::Client> current;
  kj::Maybe<kj::Exception> error;  // the hub refused it on the current connection
  std::vector<kj::Own<kj::PromiseFulfiller<capnp::Capability::Client>>> waiting;
};

// One live connection: stream (maybe TLS), two-party RPC, and the Hub after login.
struct Connection {
  kj::Own<kj::TlsContext> tls;
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyClient> rpc;
  kj::Maybe<schema::Hub::Client> hub;
};

struct HubClient::Impl final : private kj::TaskSet::ErrorHandler {
  Impl(kj::AsyncIoContext& io, ClientOptions options)
      : io(io), options(std::move(options)), random(std::random_device{}()), tasks(*this) {
    tasks.add(connectLoop());
  }

  kj::AsyncIoContext& io;
  ClientOptions options;
  std::mt19937_64 random;
  kj::Maybe<kj::Own<Connection>> connection;
  bool isConnected = false;
  uint64_t logins = 0;
  std::vector<std::shared_ptr<ServiceRef::State>> services;
  std::vector<kj::Own<kj::PromiseFulfiller<void>>> connectedWaiters;
  std::function<void(const std::string&)> log = [](const std::string& line) {
    std::cerr << "zenhub-client: " << line << "\n";
  };
  kj::TaskSet tasks;  // last: the loop and fetches go first

  void taskFailed(kj::Exception&& e) override { log(std::string("internal error: ") + e.getDescription().cStr()); }

  kj::Promise<kj::Own<Connection>> connectOnce() {
    auto conn = kj::heap<Connection>();
    return io.provider->getNetwork()
        .parseAddress(options.host, options.port)
        .then([](kj::Own<kj::NetworkAddress> address) { return address->connect().attach(kj::mv(address)); })
        .then([this, conn = kj::mv(conn)](kj::Own<kj::AsyncIoStream> raw) mutable -> kj::Promise<kj::Own<Connection>> {
          if (!options.tls) {
            conn->stream = kj::mv(raw);
            return kj::mv(conn);
          }
          conn->tls = makeTls();
          auto secured = conn->tls->wrapClient(kj::mv(raw), options.tls->serverName);
          return secured.then([conn = kj::mv(conn)](kj::Own<kj::AsyncIoStream> stream) mutable {
            conn->stream = kj::mv(stream);
            return kj::mv(conn);
          });
        })
        .then([this](kj::Own<Connection> ready) {
          ready->rpc = kj::heap<capnp::TwoPartyClient>(*ready->stream);
          auto request = ready->rpc->bootstrap().castAs<schema::Login>().loginRequest();
          request.setUser(options.user);
          request.setPassword(options.password);
          auto info = request.initClientInfo();
          info.setName(options.clientName);
          info.setVersion(options.clientVersion);
          info.setMonitor(options.monitor);
          return request.send().then([ready = kj::mv(ready)](auto response) mutable {
            ready->hub = response.getHub();
            return kj::mv(ready);
          });
        });
  }

  kj::Own<kj::TlsContext> makeTls() {
    // Loaded per connection attempt, so renewed certificates are picked up on reconnect.
    struct Holder {
      kj::TlsCertificate ca;
      kj::Maybe<kj::TlsKeypair> keypair;
    };
    auto holder = kj::heap<Holder>(Holder{
        kj::TlsCertificate(kj::StringPtr(rpc::readFileOrThrow(options.tls->caFile, "TLS CA").c_str())), nullptr});
    kj::TlsContext::Options tlsOptions;
    tlsOptions.useSystemTrustStore = false;
    tlsOptions.trustedCertificates = kj::arrayPtr(&holder->ca, 1);
    if (!options.tls->certFile.empty()) {
      auto cert = rpc::readFileOrThrow(options.tls->certFile, "TLS certificate");
      auto key = rpc::readFileOrThrow(options.tls->keyFile, "TLS key");
      holder->keypair = kj::TlsKeypair{kj::TlsPrivateKey(kj::StringPtr(key.c_str())),
                                       kj::TlsCertificate(kj::StringPtr(cert.c_str()))};
      KJ_IF_MAYBE(kp, holder->keypair) { tlsOptions.defaultKeypair = *kp; }
    }
    return kj::heap<kj::TlsContext>(kj::mv(tlsOptions)).attach(kj::mv(holder));
  }

  kj::Promise<void> connectLoop(unsigned failures = 0) {
    return connectOnce().then(
        [this](kj::Own<Connection> conn) -> kj::Promise<void> {
          auto disconnected = conn->rpc->onDisconnect();
          connection = kj::mv(conn);
          isConnected = true;
          ++logins;
          log("connected to " + options.host + ":" + std::to_string(options.port) + " as " + options.user);
          for (auto& s : services) fetch(s);
          for (auto& w : connectedWaiters) w->fulfill();
          connectedWaiters.clear();
          return disconnected.then([this]() { return lost("connection closed"); },
                                   [this](kj::Exception&& e) { return lost(e.getDescription().cStr()); });
        },
        [this, failures](kj::Exception&& e) -> kj::Promise<void> {
          auto delay = backoffDelay(options, failures, std::uniform_real_distribution<double>(0, 1)(random));
          log(std::string("cannot connect: ") + e.getDescription().cStr() + "; retrying in " +
              std::to_string(delay / kj::MILLISECONDS) + " ms");
          return io.provider->getTimer().afterDelay(delay).then([this, failures]() { return connectLoop(failures + 1); });
        });
  }

  kj::Promise<void> lost(const std::string& why) {
    log("disconnected (" + why + "); reconnecting");
    isConnected = false;
    for (auto& s : services) {
      s->current = nullptr;
      s->error = nullptr;
    }
    // Drop the old connection on a later turn: we are inside one of its callbacks.
    return kj::evalLater([this]() {
      connection = nullptr;
      return connectLoop(0);
    });
  }

  void fetch(const std::shared_ptr<ServiceRef::State>& s) {
    KJ_IF_MAYBE(conn, connection) {
      KJ_IF_MAYBE(h, (*conn)->hub) {
        auto request = h->getServiceRequest();
        request.setName(s->name);
        request.setMonitor(s->monitor);
        request.setListener(s->listener.castAs<schema::ServiceListener<>>());
        auto list = request.initOptions(static_cast<unsigned>(s->options.size()));
        for (unsigned i = 0; i < s->options.size(); ++i) {
          list[i].setKey(s->options[i].first);
          list[i].setValue(s->options[i].second);
        }
        std::weak_ptr<ServiceRef::State> weak = s;
        tasks.add(request.send().then(
            [weak](auto response) {
              if (auto state = weak.lock()) {
                state->current = response.getService();
                for (auto& w : state->waiting) {
                  capnp::Capability::Client copy = KJ_ASSERT_NONNULL(state->current);
                  w->fulfill(kj::mv(copy));
                }
                state->waiting.clear();
              }
            },
            [weak](kj::Exception&& e) {
              if (auto state = weak.lock()) {
                state->error = e;
                for (auto& w : state->waiting) w->reject(kj::cp(e));
                state->waiting.clear();
              }
            }));
      }
    }
  }
};

kj::Promise<capnp::Capability::Client> ServiceRef::get() {
  KJ_IF_MAYBE(c, state_->current) { return *c; }
  KJ_IF_MAYBE(e, state_->error) { return kj::cp(*e); }
  auto paf = kj::newPromiseAndFulfiller<capnp::Capability::Client>();
  state_->waiting.push_back(kj::mv(paf.fulfiller));
  return kj::mv(paf.promise);
}

HubClient::HubClient(kj::AsyncIoContext& io, ClientOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

HubClient::~HubClient() = default;

kj::Promise<void> HubClient::whenConnected() {
  if (impl_->isConnected) return kj::READY_NOW;
  auto paf = kj::newPromiseAndFulfiller<void>();
  impl_->connectedWaiters.push_back(kj::mv(paf.fulfiller));
  return kj::mv(paf.promise);
}

bool HubClient::connected() const { return impl_->isConnected; }

schema::Hub::Client HubClient::hub() {
  KJ_IF_MAYBE(conn, impl_->connection) {
    KJ_IF_MAYBE(h, (*conn)->hub) {
      if (impl_->isConnected) return *h;
    }
  }
  kj::throwFatalException(KJ_EXCEPTION(DISCONNECTED, "not connected to the hub"));
}

ServiceRef HubClient::service(const std::string& name, capnp::Capability::Client listener, Options options,
                              const std::string& monitor) {
  auto state = std::make_shared<ServiceRef::State>();
  state->name = name;
  state->monitor = monitor.empty() ? impl_->options.monitor : monitor;
  state->listener = kj::mv(listener);
  state->options = std::move(options);
  impl_->services.push_back(state);
  if (impl_->isConnected) impl_->fetch(state);
  return ServiceRef(state);
}

uint64_t HubClient::connections() const { return impl_->logins; }

void HubClient::onLog(std::function<void(const std::string&)> log) { impl_->log = std::move(log); }

}  // namespace zenhub::client
