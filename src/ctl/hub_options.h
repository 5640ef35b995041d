// The flags every zenhubctl command that talks to a running hub shares (--hub, --user,
// --password-file, --monitor, --tls-*), turned into client-library options. The password comes
// from a file (its first line), never from argv.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "zenhub/client.h"

namespace zenhub::ctl {

struct HubFlags {
  std::string hub = "127.0.0.1:8789";
  std::string user = "admin";
  std::string passwordFile;
  std::string monitor = "localhost";
  std::string tlsCa, tlsCert, tlsKey, tlsServerName = "localhost";
  double timeoutSeconds = 10;
};

void addHubFlags(CLI::App& cmd, HubFlags& flags);
// Throws std::runtime_error for a bad --hub or an unreadable password file.
client::ClientOptions toClientOptions(const HubFlags& flags, const std::string& clientName);

}  // namespace zenhub::ctl
