#include "rpc/authenticator.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <boost/asio/post.hpp>

#include "rpc/event_port.h"

namespace zenhub::rpc {

namespace asio = boost::asio;

PasswordAuthenticator::PasswordAuthenticator(asio::io_context& io, PasswdFile file)
    : io_(io), file_(std::make_shared<const PasswdFile>(std::move(file))) {
  key_.resize(32);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(key_.size())) != 1) {
    throw std::runtime_error("no randomness for the login cache key");
  }
}

PasswordAuthenticator::~PasswordAuthenticator() {
  *alive_ = false;
  pool_.join();  // a crypt in progress finishes; its answer is dropped
}

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
  uint64_t id = nextId_++;
  auto paf = kj::newPromiseAndFulfiller<bool>();
  pending_.emplace(id, kj::mv(paf.fulfiller));
  auto file = file_;
  uint64_t generation = generation_;
  asio::post(pool_, [this, alive = alive_, file, user, password, id, d, generation]() {
    bool ok = file->verify(user, password);
    asio::post(io_, [this, alive, id, ok, user, d, generation]() {
      if (!*alive) return;
      deliver(id, ok, user, d, generation);
    });
  });
  return kj::mv(paf.promise);
}

void PasswordAuthenticator::deliver(uint64_t id, bool ok, const std::string& user,
                                    const std::string& rememberAs, uint64_t generation) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto fulfiller = kj::mv(it->second);
  pending_.erase(it);
  if (ok && generation == generation_) remembered_[user] = rememberAs;
  auto fire = [&]() { fulfiller->fulfill(kj::cp(ok)); };
  if (auto* port = AsioEventPort::current()) {
    port->fromAsio(fire);
  } else {
    fire();
  }
}

void PasswordAuthenticator::replace(PasswdFile file) {
  file_ = std::make_shared<const PasswdFile>(std::move(file));
  remembered_.clear();
  ++generation_;
}

}  // namespace zenhub::rpc
