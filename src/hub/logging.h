// spdlog to stderr, one line per event in key=value form. Under systemd (JOURNAL_STREAM set)
// the timestamp is left to journald.
#pragma once

#include <string>

namespace zenhub::hub {

// Sets up the default logger; `level` is a spdlog level name. Throws std::invalid_argument for
// an unknown level.
void setupLogging(const std::string& level);
void setLogLevel(const std::string& level);
// SIGUSR1: debug on, or back to the configured level. Returns the level now in force.
std::string toggleDebug(const std::string& configuredLevel);

}  // namespace zenhub::hub
