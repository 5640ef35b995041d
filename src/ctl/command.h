// Subcommands of zenhubctl. Each lives in its own file and registers itself on the CLI11 app;
// main.cpp only wires them up. A subcommand reports its outcome through `exitCode`
// (0 ok, 1 failure, 2 bad usage or bad input).
#pragma once

#include <CLI/CLI.hpp>

namespace zenhub::ctl {

// `zenhubctl model ...`: manage the device model in a store (model_command.cpp).
void addModelCommand(CLI::App& app, int& exitCode);

// `zenhubctl events ...`: list the stored events (events_command.cpp).
void addEventsCommand(CLI::App& app, int& exitCode);

// `zenhubctl passwd ...`: manage the hub's password file (passwd_command.cpp).
void addPasswdCommand(CLI::App& app, int& exitCode);

// `zenhubctl call ...`: call a service method as a collector (call_command.cpp).
void addCallCommand(CLI::App& app, int& exitCode);

// `zenhubctl watch ...`: register a listener and print each push as a JSON line (watch_command.cpp).
void addWatchCommand(CLI::App& app, int& exitCode);

// `zenhubctl invalidations ...`: pause, resume or show invalidation processing
// (invalidations_command.cpp).
void addInvalidationsCommand(CLI::App& app, int& exitCode);

// `zenhubctl stats ...`: the hub's stats report from its status endpoint (stats_command.cpp).
void addStatsCommand(CLI::App& app, int& exitCode);

}  // namespace zenhub::ctl
