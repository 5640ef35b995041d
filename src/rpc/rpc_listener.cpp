#include "rpc/rpc_listener.h"

#include "rpc/coalescing_stream.h"

#include <capnp/rpc.h>

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>

namespace zenhub::rpc {

namespace asio = boost::asio;
using asio::ip::tcp;

// One accepted socket: stream, network and RPC system (destroyed in reverse: RPC system first,
// then the network, then the stream), and a watcher that reports the peer's disconnect.
class RpcListener::Connection final : public ConnectionContext {
 public:
  Connection(RpcListener& owner, uint64_t id, kj::Own<kj::AsyncIoStream> stream, std::string peer,
             std::string certificateName)
      : owner_(owner),
        id_(id),
        peer_(std::move(peer)),
        certificateName_(std::move(certificateName)),
        loginTimer_(owner.io_),
        stream_(kj::mv(stream)),
        coalesced_(*stream_),
        network_(coalesced_, capnp::rpc::twoparty::Side::SERVER, readerOptions(owner.limits_)),
        rpc_(capnp::makeRpcServer(network_, owner.bootstrap_(*this))) {
    rpc_.setFlowLimit(owner.limits_.flowLimitWords);
    watch_ = network_.onDisconnect().then(
        [this]() {
          // The peer left, or the RPC system aborted the connection (a malformed or oversized
          // message): capnp reports both alike, the abort reason going to the peer.
          owner_.scheduleClose(id_, "disconnected (peer left, or protocol error)");
        },
        [this](kj::Exception&& e) {
          owner_.scheduleClose(id_, std::string("connection error: ") + e.getDescription().cStr());
        }).eagerlyEvaluate(nullptr);
    if (authenticated_) return;  // the bootstrap factory authenticated it already
    loginTimer_.expires_after(owner.limits_.loginDeadline);
    loginTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
      if (ec || !*alive || authenticated_) return;
      owner_.scheduleClose(id_, "no login within the deadline");
    });
  }
  ~Connection() noexcept(false) override {
    *alive_ = false;
    loginTimer_.cancel();
    for (auto& hook : closeHooks_) hook();
  }

  uint64_t id() const override { return id_; }
  const std::string& peer() const override { return peer_; }
  const std::string& certificateName() const override { return certificateName_; }
  void markAuthenticated() override {
    authenticated_ = true;
    loginTimer_.cancel();
  }
  bool authenticated() const override { return authenticated_; }
  void close(const std::string& reason) override { owner_.scheduleClose(id_, reason); }
  void onClose(std::function<void()> hook) override { closeHooks_.push_back(std::move(hook)); }

  size_t outboundBytes() { return network_.getCurrentQueueSize() + coalesced_.buffered(); }

 private:
  static capnp::ReaderOptions readerOptions(const ConnectionLimits& limits) {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = limits.maxMessageWords;
    options.nestingLimit = limits.nestingLimit;
    return options;
  }

  RpcListener& owner_;
  uint64_t id_;
  std::string peer_;
  std::string certificateName_;
  bool authenticated_ = false;
  std::vector<std::function<void()>> closeHooks_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Before rpc_: the bootstrap factory, called while rpc_ is built, may markAuthenticated(), which
  // cancels this timer (it was cancelled unconstructed when declared after rpc_).
  asio::steady_timer loginTimer_;
  kj::Own<kj::AsyncIoStream> stream_;
  // Answers finished in one pass of the loop go out in one write (see coalescing_stream.h).
  CoalescingStream coalesced_;
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
  kj::Promise<void> watch_ = nullptr;  // last: destroyed first
};

RpcListener::RpcListener(asio::io_context& io, tcp::endpoint endpoint, ConnectionLimits limits,
                         BootstrapFactory bootstrap, Logger log, kj::TlsContext* tls)
    : io_(io),
      acceptor_(io),
      limits_(limits),
      bootstrap_(std::move(bootstrap)),
      log_(std::move(log)),
      sweepTimer_(io),
      tls_(tls) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  accept();
  sweep();
}

RpcListener::~RpcListener() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  sweepTimer_.cancel();
  connections_.clear();
}

tcp::endpoint RpcListener::localEndpoint() const { return acceptor_.local_endpoint(); }

void RpcListener::stopAccepting() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void RpcListener::closeAll(const std::string& reason) {
  for (auto& [id, conn] : connections_) scheduleClose(id, reason);
}

void RpcListener::accept() {
  acceptor_.async_accept([this, alive = alive_](const boost::system::error_code& ec, tcp::socket socket) {
    if (!*alive || ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) onAccepted(std::move(socket));
    accept();
  });
}

void RpcListener::onAccepted(tcp::socket socket) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string("unknown") : remote.address().to_string() + ":" + std::to_string(remote.port());
  if (connections_.size() >= limits_.maxConnections) {
    ++droppedTotal_;
    log_("event=connection_refused peer=" + peer + " reason=\"connection limit " +
         std::to_string(limits_.maxConnections) + " reached\"");
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (limits_.keepalive) socket.set_option(asio::socket_base::keep_alive(true), ec);
  ++acceptedTotal_;
  auto* port = AsioEventPort::current();
  KJ_REQUIRE(port != nullptr, "RpcListener needs an AsioEventPort on this thread");
  // Creating the connection creates KJ promises; run the KJ work it schedules inline.
  port->fromAsio([&]() {
    auto stream = kj::heap<TcpStream>(std::move(socket));
    if (tls_ == nullptr) {
      addConnection(kj::mv(stream), peer, "");
      return;
    }
    kj::AuthenticatedStream raw{kj::mv(stream), kj::UnknownPeerIdentity::newInstance()};
    handshakes_.add(tls_->wrapServer(kj::mv(raw)).then(
        [this, peer](kj::AuthenticatedStream secured) {
          std::string name;
          KJ_IF_MAYBE(identity, kj::dynamicDowncastIfAvailable<kj::TlsPeerIdentity>(*secured.peerIdentity)) {
            if (identity->hasCertificate()) name = identity->getCommonName().cStr();
          }
          addConnection(kj::mv(secured.stream), peer, name);
        },
        [this, peer](kj::Exception&& e) {
          ++droppedTotal_;
          log_("event=tls_handshake_failed peer=" + peer + " error=\"" + e.getDescription().cStr() + "\"");
        }));
  });
}

void RpcListener::addConnection(kj::Own<kj::AsyncIoStream> stream, const std::string& peer,
                                std::string certificateName) {
  uint64_t id = nextId_++;
  std::string who = certificateName.empty() ? "" : " certificate=" + certificateName;
  connections_.emplace(id, std::make_unique<Connection>(*this, id, kj::mv(stream), peer, std::move(certificateName)));
  log_("event=connection_opened id=" + std::to_string(id) + " peer=" + peer + who);
}

void RpcListener::taskFailed(kj::Exception&& exception) {
  log_(std::string("event=listener_task_failed error=\"") + exception.getDescription().cStr() + "\"");
}

void RpcListener::scheduleClose(uint64_t id, const std::string& reason) {
  if (connections_.count(id) == 0 || closing_.count(id) != 0) return;
  closing_.emplace(id, reason);
  if (closing_.size() == 1) {
    asio::post(io_, [this, alive = alive_]() {
      if (*alive) reap();
    });
  }
}

void RpcListener::reap() {
  auto closing = std::move(closing_);
  closing_.clear();
  for (auto& [id, reason] : closing) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    std::string peer = it->second->peer();
    if (auto* port = AsioEventPort::current()) {
      port->fromAsio([&]() { connections_.erase(it); });
    } else {
      connections_.erase(it);
    }
    log_("event=connection_closed id=" + std::to_string(id) + " peer=" + peer + " reason=\"" + reason + "\"");
  }
}

void RpcListener::sweep() {
  for (auto& [id, conn] : connections_) {
    size_t queued = conn->outboundBytes();
    if (queued > limits_.maxOutboundBytes) {
      ++droppedTotal_;
      scheduleClose(id, "peer not reading: " + std::to_string(queued) + " bytes queued");
    }
  }
  sweepTimer_.expires_after(limits_.sweepInterval);
  sweepTimer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) sweep();
  });
}

}  // namespace zenhub::rpc
