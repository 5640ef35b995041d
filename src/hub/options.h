// The zenhub command line: every setting of zenhub.yaml has a flag that overrides it.
// `--help` documents them all.
#pragma once

#include <string>
#include <vector>

#include "hub/config.h"

namespace zenhub::hub {

struct CommandLine {
  HubConfig config;
  int exitCode = -1;   // >= 0: exit now with this code (--help, --version, or bad input)
  std::string output;  // what to print before exiting (help text or every error)
  bool checkOnly = false;  // --check-config: validate config and password file, then exit
};

// Parses argv: reads --config (default: none, built-in defaults), applies the file, then the
// flags given. Every error (YAML with line/column, flags, cross-checks) is collected; any error
// gives exitCode 2.
CommandLine parseCommandLine(int argc, const char* const* argv);

}  // namespace zenhub::hub
