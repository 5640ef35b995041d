// The hub's password file: one `user:hash` line per user, `#` comments and blank lines allowed.
// Hashes are crypt(3) strings from libcrypt (yescrypt `$y$...` or SHA-512-crypt `$6$...`); an
// entry that is not a crypt hash is a plaintext password, still accepted (ZenHub's format) but
// reported by `plaintextUsers()` so the hub can warn. The same file protects XML-RPC.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zenhub::rpc {

// A password file that cannot be read or parsed. `what()` lists every bad line.
class PasswdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PasswdFile {
 public:
  PasswdFile() = default;

  // Parses file text; `source` names it in errors. Throws PasswdError listing every bad line.
  static PasswdFile parse(std::string_view text, const std::string& source);
  // Reads and parses a file. Throws PasswdError when it cannot be read or parsed.
  static PasswdFile load(const std::string& path);

  // True when `user` exists and `password` matches. Costs a crypt(3) computation for hashed
  // entries (milliseconds for yescrypt): callers on the event loop run it off the loop.
  bool verify(std::string_view user, std::string_view password) const;

  bool hasUser(std::string_view user) const;
  std::vector<std::string> users() const;
  std::vector<std::string> plaintextUsers() const;
  // The stored entry (hash or plaintext) of `user`, or "" when there is none.
  std::string entry(std::string_view user) const;

  // Adds or replaces `user` with a fresh yescrypt hash of `password`.
  void set(const std::string& user, std::string_view password);
  bool remove(const std::string& user);
  // The file text, in user order.
  std::string serialize() const;
  // Writes atomically (temp file + rename), mode 0600.
  void save(const std::string& path) const;

  // A new crypt(3) hash of `password` (yescrypt).
  static std::string hashPassword(std::string_view password);
  static bool isCryptHash(std::string_view entry);

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace zenhub::rpc
