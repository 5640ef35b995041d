// The hub's TLS setup (kj-tls): its certificate and key, and optionally a CA whose client
// certificates are required and verified (mutual TLS). kj::TlsContext keeps references into its
// options, so this object owns the keypair and certificates for the context's lifetime.
#pragma once

#include <kj/compat/tls.h>

#include <memory>
#include <string>

namespace zenhub::rpc {

struct TlsFiles {
  std::string certificate;  // PEM, the server certificate (chain)
  std::string key;          // PEM, its private key
  std::string clientCa;     // PEM, CA for client certificates; empty: none asked
};

class TlsServer {
 public:
  // Reads the files; throws std::runtime_error naming the file that cannot be read or parsed.
  // `timer` bounds handshakes to `handshakeTimeout`; it must outlive this object.
  TlsServer(const TlsFiles& files, kj::Timer& timer, kj::Duration handshakeTimeout);
  kj::TlsContext& context() { return *context_; }
  bool verifiesClients() const { return clientCa_ != nullptr; }

 private:
  std::unique_ptr<kj::TlsKeypair> keypair_;
  std::unique_ptr<kj::TlsCertificate> clientCa_;
  kj::Own<kj::TlsContext> context_;
};

// Reads a whole file; throws std::runtime_error naming it.
std::string readFileOrThrow(const std::string& path, const char* what);

}  // namespace zenhub::rpc
