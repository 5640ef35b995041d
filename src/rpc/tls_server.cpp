#include "rpc/tls_server.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zenhub::rpc {

std::string readFileOrThrow(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + what + " " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {
template <typename T>
std::unique_ptr<T> parsePem(const std::string& path, const char* what) {
  std::string pem = readFileOrThrow(path, what);
  try {
    return std::make_unique<T>(kj::StringPtr(pem.c_str()));
  } catch (const kj::Exception& e) {
    throw std::runtime_error(std::string("bad ") + what + " " + path + ": " + e.getDescription().cStr());
  }
}
}  // namespace

TlsServer::TlsServer(const TlsFiles& files, kj::Timer& timer, kj::Duration handshakeTimeout) {
  auto cert = parsePem<kj::TlsCertificate>(files.certificate, "TLS certificate");
  auto key = parsePem<kj::TlsPrivateKey>(files.key, "TLS key");
  keypair_ = std::make_unique<kj::TlsKeypair>(kj::TlsKeypair{kj::mv(*key), kj::mv(*cert)});
  kj::TlsContext::Options options;
  options.useSystemTrustStore = false;
  options.defaultKeypair = *keypair_;
  options.timer = timer;
  options.acceptTimeout = handshakeTimeout;
  if (!files.clientCa.empty()) {
    clientCa_ = parsePem<kj::TlsCertificate>(files.clientCa, "TLS client CA");
    options.verifyClients = true;
    options.trustedCertificates = kj::arrayPtr(clientCa_.get(), 1);
  }
  try {
    context_ = kj::heap<kj::TlsContext>(kj::mv(options));
  } catch (const kj::Exception& e) {
    throw std::runtime_error(std::string("TLS setup failed (does the key match the certificate?): ") +
                             e.getDescription().cStr());
  }
}

}  // namespace zenhub::rpc
