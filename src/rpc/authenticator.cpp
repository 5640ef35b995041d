#include "rpc/authenticator.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>


namespace zenhub::rpc {

namespace asio = boost::asio;

PasswordAuthenticator::PasswordAuthenticator(asio::io_context& io, PasswdFile file)
    : file_(std::make_shared<const PasswdFile>(std::move(file))), crypt_(io, 1) {
  key_.resize(32);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(key_.size())) != 1) {
    throw std::runtime_error("no randomness for the login cache key");
  }
}

PasswordAuthenticator::~PasswordAuthenticator() = default;

std::string PasswordAuthenticator::digest(const std::string& user, const std::string& password) const {
  std::string message = user + '\0' + password;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

kj::Promise<bool> PasswordAuthenticator::check(const std::string& user, const std::string& password) {
  std::string d = digest(user, password);
  auto it = remembered_.find(user);
  if (it != remembered_.end() && CRYPTO_memcmp(it->second.data(), d.data(), d.size()) == 0) {
    return true;
  }
  if (!file_->hasUser(user)) return false;  // no crypt for unknown users; the caller delays
  auto file = file_;
  uint64_t generation = generation_;
  return crypt_.run<bool>([file, user, password]() { return file->verify(user, password); })
      .then([this, user, d, generation](bool ok) {
        // A reload while crypt ran: do not remember an answer about the old file.
        if (ok && generation == generation_) remembered_[user] = d;
        return ok;
      });
}

void PasswordAuthenticator::replace(PasswdFile file) {
  file_ = std::make_shared<const PasswdFile>(std::move(file));
  remembered_.clear();
  ++generation_;
}

}  // namespace zenhub::rpc
