// RpcListener: accepts TCP connections on the hub's io_context and serves Cap'n Proto RPC on
// each, with the limits that keep one collector from hurting the others:
// - a maximum number of connections (extra ones are closed at once, logged);
// - per-message traversal and nesting limits on every decoder (oversized message: that
//   connection is closed);
// - a per-connection flow limit on inbound calls in flight (RpcSystem::setFlowLimit);
// - a cap on queued outbound bytes: a peer that stops reading is disconnected, not buffered;
// - a login deadline: a connection that has not authenticated in time is closed;
// - TCP keepalive, so dead peers are noticed.
// What a connection may call is decided by the bootstrap factory (the login interface).
#pragma once

#include <capnp/capability.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async.h>
#include <kj/compat/tls.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "rpc/asio_stream.h"

namespace zenhub::rpc {

struct ConnectionLimits {
  size_t maxConnections = 4096;
  uint64_t maxMessageWords = 8u << 20;          // 64 MiB: traversal limit per inbound message
  int nestingLimit = 64;
  size_t flowLimitWords = 1u << 20;             // 8 MiB of inbound calls in flight
  size_t maxOutboundBytes = 64u << 20;          // queued outbound bytes before the peer is dropped
  std::chrono::milliseconds loginDeadline{30000};
  std::chrono::milliseconds sweepInterval{250};  // how often the outbound queues are checked
  bool keepalive = true;
};

// What the bootstrap factory and the capabilities it hands out know of their connection.
class ConnectionContext {
 public:
  virtual ~ConnectionContext() noexcept(false) = default;
  virtual uint64_t id() const = 0;
  // "address:port" of the peer.
  virtual const std::string& peer() const = 0;
  // The common name of the peer's TLS client certificate, verified against the configured CA;
  // empty without TLS or without a client certificate.
  virtual const std::string& certificateName() const = 0;
  // Cancels the login deadline; the connection now stays until the peer goes.
  virtual void markAuthenticated() = 0;
  virtual bool authenticated() const = 0;
  // Closes the connection soon (not inside the caller's stack), logging `reason`.
  virtual void close(const std::string& reason) = 0;
  // Runs `hook` when the connection goes, whatever the reason (before its RPC system is torn
  // down). Used to drop what the connection registered, such as service listeners.
  virtual void onClose(std::function<void()> hook) = 0;
};

class RpcListener final : private kj::TaskSet::ErrorHandler {
 public:
  using BootstrapFactory = std::function<capnp::Capability::Client(ConnectionContext&)>;
  using Logger = std::function<void(const std::string&)>;

  // `io` and the thread's AsioEventPort must outlive the listener. `log` receives one line per
  // connection event (opened, closed and why). With `tls` (which must outlive the listener)
  // every connection starts with a TLS handshake, bounded by the login deadline.
  RpcListener(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
              ConnectionLimits limits, BootstrapFactory bootstrap, Logger log,
              kj::TlsContext* tls = nullptr);
  ~RpcListener();

  boost::asio::ip::tcp::endpoint localEndpoint() const;
  size_t connectionCount() const { return connections_.size(); }
  uint64_t acceptedTotal() const { return acceptedTotal_; }
  uint64_t droppedTotal() const { return droppedTotal_; }

  // Stops accepting; existing connections stay.
  void stopAccepting();
  // Closes every connection now.
  void closeAll(const std::string& reason);

 private:
  class Connection;
  friend class Connection;

  void accept();
  void onAccepted(boost::asio::ip::tcp::socket socket);
  void addConnection(kj::Own<kj::AsyncIoStream> stream, const std::string& peer, std::string certificateName);
  void taskFailed(kj::Exception&& exception) override;
  void scheduleClose(uint64_t id, const std::string& reason);
  void reap();
  void sweep();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ConnectionLimits limits_;
  BootstrapFactory bootstrap_;
  Logger log_;
  boost::asio::steady_timer sweepTimer_;
  uint64_t nextId_ = 1;
  uint64_t acceptedTotal_ = 0;
  uint64_t droppedTotal_ = 0;
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::map<uint64_t, std::string> closing_;  // id -> reason, reaped from a posted handler
  kj::TlsContext* tls_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  kj::TaskSet handshakes_{*this};  // TLS handshakes in progress; destroyed first
};

}  // namespace zenhub::rpc
