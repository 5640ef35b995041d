// Checks collector credentials against the password file without blocking the event loop:
// crypt(3) (yescrypt costs milliseconds of CPU) runs on one helper thread and the answer comes
// back to the loop through asio. Successful (user, password) pairs are remembered as a keyed
// digest, so a collector fleet reconnecting after a hub restart pays crypt once per user.
#pragma once

#include <kj/async.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "rpc/passwd_file.h"

namespace zenhub::rpc {

class PasswordAuthenticator {
 public:
  // `io` is the hub's loop (answers are delivered there); it must outlive this object.
  PasswordAuthenticator(boost::asio::io_context& io, PasswdFile file);
  ~PasswordAuthenticator();

  // Resolves to true when the credentials are valid. Must be called on the loop's thread.
  kj::Promise<bool> check(const std::string& user, const std::string& password);

  // Replaces the password file (SIGHUP) and forgets remembered logins.
  void replace(PasswdFile file);
  const PasswdFile& file() const { return *file_; }

 private:
  std::string digest(const std::string& user, const std::string& password) const;
  void deliver(uint64_t id, bool ok, const std::string& user, const std::string& rememberAs,
               uint64_t generation);

  boost::asio::io_context& io_;
  std::shared_ptr<const PasswdFile> file_;
  uint64_t generation_ = 0;  // bumped by replace(); late answers for an old file are not cached
  std::string key_;           // random per process, keys the remembered digests
  std::map<std::string, std::string> remembered_;  // user -> digest of a password that worked
  std::map<uint64_t, kj::Own<kj::PromiseFulfiller<bool>>> pending_;
  uint64_t nextId_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::thread_pool pool_{1};
};

}  // namespace zenhub::rpc
