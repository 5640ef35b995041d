// `zenhubctl passwd --file F add|rm|list USER`: manages the hub's password file. The password is
// read from standard input (one line) or, on a terminal, from a prompt without echo; never from
// the command line, where it would show in `ps` and shell history.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "ctl/command.h"
#include "rpc/passwd_file.h"

namespace zenhub::ctl {

namespace {

std::string readPassword(const std::string& prompt) {
  std::string line;
  if (::isatty(STDIN_FILENO)) {
    std::cerr << prompt << std::flush;
    termios saved{};
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, line);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

rpc::PasswdFile loadOrEmpty(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) return rpc::PasswdFile();
  return rpc::PasswdFile::load(path);
}

}  // namespace

void addPasswdCommand(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("passwd", "Manage the hub's password file (user:crypt-hash lines)");
  cmd->require_subcommand(1);
  auto file = std::make_shared<std::string>("/etc/zenhub/hubpasswd");
  cmd->add_option("--file", *file, "Password file")->capture_default_str();

  auto addUser = std::make_shared<std::string>();
  auto* add = cmd->add_subcommand("add", "Add a user or change its password (password from stdin or a prompt)");
  add->add_option("user", *addUser, "User name")->required();
  add->callback([file, addUser, &exitCode]() {
    try {
      auto passwd = loadOrEmpty(*file);
      std::string password = readPassword("Password for " + *addUser + ": ");
      if (password.empty()) {
        std::cerr << "zenhubctl passwd: empty password refused\n";
        exitCode = 2;
        return;
      }
      bool existed = passwd.hasUser(*addUser);
      passwd.set(*addUser, password);
      passwd.save(*file);
      std::cout << (existed ? "changed " : "added ") << *addUser << "\n";
    } catch (const rpc::PasswdError& e) {
      std::cerr << "zenhubctl passwd: " << e.what() << "\n";
      exitCode = 1;
    }
  });

  auto rmUser = std::make_shared<std::string>();
  auto* rm = cmd->add_subcommand("rm", "Remove a user");
  rm->add_option("user", *rmUser, "User name")->required();
  rm->callback([file, rmUser, &exitCode]() {
    try {
      auto passwd = rpc::PasswdFile::load(*file);
      if (!passwd.remove(*rmUser)) {
        std::cerr << "zenhubctl passwd: no user '" << *rmUser << "' in " << *file << "\n";
        exitCode = 1;
        return;
      }
      passwd.save(*file);
      std::cout << "removed " << *rmUser << "\n";
    } catch (const rpc::PasswdError& e) {
      std::cerr << "zenhubctl passwd: " << e.what() << "\n";
      exitCode = 1;
    }
  });

  auto* list = cmd->add_subcommand("list", "List users (plaintext entries are marked)");
  list->callback([file, &exitCode]() {
    try {
      auto passwd = rpc::PasswdFile::load(*file);
      auto plain = passwd.plaintextUsers();
      for (const auto& user : passwd.users()) {
        bool isPlain = std::find(plain.begin(), plain.end(), user) != plain.end();
        std::cout << user << (isPlain ? "  (plaintext: re-add it to hash it)" : "") << "\n";
      }
    } catch (const rpc::PasswdError& e) {
      std::cerr << "zenhubctl passwd: " << e.what() << "\n";
      exitCode = 1;
    }
  });
}

}  // namespace zenhub::ctl
