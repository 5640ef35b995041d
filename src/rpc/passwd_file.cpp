#include "rpc/passwd_file.h"

#include <crypt.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace zenhub::rpc {

namespace {

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool validUserName(std::string_view user) {
  if (user.empty() || user.size() > 256) return false;
  for (char c : user) {
    if (c == ':' || c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace

bool PasswdFile::isCryptHash(std::string_view entry) {
  // Modular crypt format: $id$... with one of the algorithms libcrypt computes.
  static constexpr std::string_view kPrefixes[] = {"$y$", "$gy$", "$7$", "$6$", "$5$", "$2b$", "$2y$"};
  for (auto prefix : kPrefixes) {
    if (entry.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

PasswdFile PasswdFile::parse(std::string_view text, const std::string& source) {
  PasswdFile file;
  std::vector<std::string> errors;
  size_t lineNo = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto where = source + ":" + std::to_string(lineNo) + ": ";
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      errors.push_back(where + "expected 'user:hash'");
    } else {
      std::string_view user = line.substr(0, colon);
      std::string_view secret = line.substr(colon + 1);
      if (!validUserName(user)) {
        errors.push_back(where + "invalid user name");
      } else if (secret.empty()) {
        errors.push_back(where + "empty password for user '" + std::string(user) + "'");
      } else if (file.entries_.count(user) != 0) {
        errors.push_back(where + "duplicate user '" + std::string(user) + "'");
      } else {
        file.entries_.emplace(std::string(user), std::string(secret));
      }
    }
    if (end == text.size()) break;
  }
  if (!errors.empty()) {
    std::string message = "bad password file";
    for (const auto& e : errors) message += "\n  " + e;
    throw PasswdError(message);
  }
  return file;
}

PasswdFile PasswdFile::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PasswdError("cannot read password file " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw PasswdError("cannot read password file " + path);
  return parse(text.str(), path);
}

bool PasswdFile::verify(std::string_view user, std::string_view password) const {
  auto it = entries_.find(user);
  if (it == entries_.end()) return false;
  const std::string& stored = it->second;
  if (!isCryptHash(stored)) return constantTimeEquals(stored, password);
  std::string phrase(password);
  crypt_data data{};
  const char* out = crypt_rn(phrase.c_str(), stored.c_str(), &data, sizeof data);
  bool ok = out != nullptr && out[0] != '*' && constantTimeEquals(out, stored);
  explicit_bzero(&data, sizeof data);
  explicit_bzero(phrase.data(), phrase.size());
  return ok;
}

bool PasswdFile::hasUser(std::string_view user) const { return entries_.count(user) != 0; }

std::vector<std::string> PasswdFile::users() const {
  std::vector<std::string> out;
  for (const auto& [user, secret] : entries_) out.push_back(user);
  return out;
}

std::vector<std::string> PasswdFile::plaintextUsers() const {
  std::vector<std::string> out;
  for (const auto& [user, secret] : entries_) {
    if (!isCryptHash(secret)) out.push_back(user);
  }
  return out;
}

std::string PasswdFile::entry(std::string_view user) const {
  auto it = entries_.find(user);
  return it == entries_.end() ? std::string() : it->second;
}

void PasswdFile::set(const std::string& user, std::string_view password) {
  if (!validUserName(user)) throw PasswdError("invalid user name '" + user + "'");
  if (password.empty()) throw PasswdError("empty password");
  entries_[user] = hashPassword(password);
}

bool PasswdFile::remove(const std::string& user) { return entries_.erase(user) != 0; }

std::string PasswdFile::serialize() const {
  std::string out;
  for (const auto& [user, secret] : entries_) out += user + ":" + secret + "\n";
  return out;
}

void PasswdFile::save(const std::string& path) const {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw PasswdError("cannot write " + tmp + ": " + std::strerror(errno));
  std::string text = serialize();
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw PasswdError("cannot write " + tmp + ": " + std::strerror(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw PasswdError("cannot save " + path + ": " + std::strerror(err));
  }
}

std::string PasswdFile::hashPassword(std::string_view password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting) == nullptr) {
    throw PasswdError(std::string("cannot make a salt: ") + std::strerror(errno));
  }
  std::string phrase(password);
  crypt_data data{};
  const char* out = crypt_rn(phrase.c_str(), setting, &data, sizeof data);
  explicit_bzero(phrase.data(), phrase.size());
  if (out == nullptr || out[0] == '*') throw PasswdError("crypt failed");
  std::string hash(out);
  explicit_bzero(&data, sizeof data);
  return hash;
}

}  // namespace zenhub::rpc
