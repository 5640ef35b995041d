// PasswdFile: the hub's `user:hash` password file.
#include <gtest/gtest.h>

#include <crypt.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "rpc/passwd_file.h"

namespace zenhub::rpc {
namespace {

using Users = std::vector<std::string>;

std::string parseError(const std::string& text) {
  try {
    PasswdFile::parse(text, "hubpasswd");
  } catch (const PasswdError& e) {
    return e.what();
  }
  return "";
}

TEST(PasswdFile, ParseErrorListsEveryBadLineWithItsNumber) {
  std::string message = parseError(
      "# comment\n"          // 1
      "\n"                   // 2
      "alice:secret\n"       // 3
      "nocolon\n"            // 4
      ":nouser\n"            // 5
      "bob:\n"               // 6
      "alice:again\n"        // 7
      "   # indented\n"      // 8
      "carol:pw\n"           // 9
      "bad\x01name:pw");     // 10, no newline at the end
  ASSERT_NE(message, "");
  EXPECT_NE(message.find("hubpasswd:4: expected 'user:hash'"), std::string::npos) << message;
  EXPECT_NE(message.find("hubpasswd:5: invalid user name"), std::string::npos) << message;
  EXPECT_NE(message.find("hubpasswd:6: empty password for user 'bob'"), std::string::npos) << message;
  EXPECT_NE(message.find("hubpasswd:7: duplicate user 'alice'"), std::string::npos) << message;
  EXPECT_NE(message.find("hubpasswd:10: invalid user name"), std::string::npos) << message;
  for (const char* good : {"hubpasswd:1:", "hubpasswd:2:", "hubpasswd:3:", "hubpasswd:8:", "hubpasswd:9:"}) {
    EXPECT_EQ(message.find(good), std::string::npos) << good << " is not an error";
  }
}

TEST(PasswdFile, CommentsBlankLinesAndCrLfAreAccepted) {
  auto file = PasswdFile::parse("# users\n\n  \t \nalice:pw\r\n  # x\nbob:$y$j9T$abc$def", "f");
  EXPECT_EQ(file.users(), (Users{"alice", "bob"}));
  EXPECT_EQ(file.entry("alice"), "pw");
  EXPECT_EQ(file.plaintextUsers(), (Users{"alice"}));
  EXPECT_TRUE(PasswdFile::parse("", "empty").users().empty());
}

TEST(PasswdFile, VerifiesPlaintextEntries) {
  auto file = PasswdFile::parse("alice:pw\n", "f");
  EXPECT_TRUE(file.verify("alice", "pw"));
  EXPECT_FALSE(file.verify("alice", "pW"));
  EXPECT_FALSE(file.verify("alice", "pw "));
  EXPECT_FALSE(file.verify("alice", ""));
  EXPECT_FALSE(file.verify("mallory", "pw"));
}

TEST(PasswdFile, VerifiesYescryptHashFromHashPassword) {
  std::string hash = PasswdFile::hashPassword("s3cret");
  EXPECT_EQ(hash.rfind("$y$", 0), 0u) << hash;
  EXPECT_TRUE(PasswdFile::isCryptHash(hash));
  EXPECT_NE(PasswdFile::hashPassword("s3cret"), hash) << "salts must differ";
  auto file = PasswdFile::parse("bob:" + hash + "\n", "f");
  EXPECT_TRUE(file.plaintextUsers().empty());
  EXPECT_TRUE(file.verify("bob", "s3cret"));
  EXPECT_FALSE(file.verify("bob", "s3cret!"));
  EXPECT_FALSE(file.verify("bob", ""));
  EXPECT_FALSE(file.verify("bob", hash)) << "the hash is not the password";
  EXPECT_FALSE(file.verify("alice", "s3cret"));
}

TEST(PasswdFile, VerifiesSha512CryptHash) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  ASSERT_NE(crypt_gensalt_rn("$6$", 0, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_rn("zenoss", setting, &data, sizeof data);
  ASSERT_NE(hash, nullptr);
  ASSERT_EQ(std::string(hash).rfind("$6$", 0), 0u);
  auto file = PasswdFile::parse(std::string("admin:") + hash + "\n", "f");
  EXPECT_TRUE(file.verify("admin", "zenoss"));
  EXPECT_FALSE(file.verify("admin", "zenos"));
}

TEST(PasswdFile, SetRemoveAndSerializeRoundTrip) {
  PasswdFile file;
  file.set("zed", "one");
  file.set("amy", "two");
  file.set("zed", "three");  // replaces
  EXPECT_EQ(file.users(), (Users{"amy", "zed"}));
  EXPECT_TRUE(file.verify("zed", "three"));
  EXPECT_FALSE(file.verify("zed", "one"));
  std::string text = file.serialize();
  EXPECT_EQ(text, "amy:" + file.entry("amy") + "\nzed:" + file.entry("zed") + "\n");
  auto again = PasswdFile::parse(text, "f");
  EXPECT_TRUE(again.verify("amy", "two"));
  EXPECT_TRUE(file.remove("amy"));
  EXPECT_FALSE(file.remove("amy"));
  EXPECT_FALSE(file.hasUser("amy"));
  EXPECT_THROW(file.set("bad:name", "pw"), PasswdError);
  EXPECT_THROW(file.set("", "pw"), PasswdError);
  EXPECT_THROW(file.set("amy", ""), PasswdError);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "passwd_test.XXXXXX";
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    if (path_.empty()) return;
    for (const auto& name : entries()) ::unlink((path_ + "/" + name).c_str());
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    if (DIR* dir = ::opendir(path_.c_str())) {
      while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") out.push_back(name);
      }
      ::closedir(dir);
    }
    return out;
  }

 private:
  std::string path_;
};

TEST(PasswdFile, SaveReplacesFileAtomicallyWithMode0600) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/hubpasswd";
  { std::ofstream(path) << "old:entry\n"; }
  ::chmod(path.c_str(), 0644);
  int oldFd = ::open(path.c_str(), O_RDONLY);  // keeps the old inode alive
  ASSERT_GE(oldFd, 0);
  struct stat before{};
  ASSERT_EQ(::fstat(oldFd, &before), 0);

  PasswdFile file;
  file.set("admin", "pw");
  file.save(path);

  struct stat after{};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_mode & 0777, 0600u);
  EXPECT_NE(after.st_ino, before.st_ino) << "rewritten in place, not replaced by rename";
  char old[16] = {};
  EXPECT_GT(::pread(oldFd, old, sizeof old - 1, 0), 0);
  EXPECT_STREQ(old, "old:entry\n") << "readers of the old file saw a partial write";
  ::close(oldFd);
  EXPECT_EQ(dir.entries(), (Users{"hubpasswd"})) << "temporary file left behind";
  EXPECT_TRUE(PasswdFile::load(path).verify("admin", "pw"));
}

TEST(PasswdFile, LoadOfMissingFileThrowsNamingIt) {
  try {
    PasswdFile::load("/nonexistent/hubpasswd");
    FAIL() << "expected PasswdError";
  } catch (const PasswdError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/hubpasswd"), std::string::npos);
  }
}

}  // namespace
}  // namespace zenhub::rpc
