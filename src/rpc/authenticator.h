// Checks collector credentials against the password file without blocking the event loop:
// crypt(3) (yescrypt costs milliseconds of CPU) runs on one helper thread and the answer comes
// back to the loop through asio. Successful (user, password) pairs are remembered as a keyed
// digest, so a collector fleet reconnecting after a hub restart pays crypt once per user.
#pragma once

#include <kj/async.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "rpc/off_loop.h"
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

  std::shared_ptr<const PasswdFile> file_;
  uint64_t generation_ = 0;  // bumped by replace(); late answers for an old file are not cached
  std::string key_;           // random per process, keys the remembered digests
  std::map<std::string, std::string> remembered_;  // user -> digest of a password that worked
  OffLoopRunner crypt_;  // one thread: crypt(3) for logins not remembered
};

}  // namespace zenhub::rpc
