// zenhubctl: the operator's and developer's tool. Thin: each subcommand is its own file.
#include <iostream>

#include "ctl/command.h"

int main(int argc, char** argv) {
  CLI::App app{"zenhubctl: manage a zenhub hub, its model and its password file"};
  app.require_subcommand(1);
  int exitCode = 0;
  zenhub::ctl::addModelCommand(app, exitCode);
  zenhub::ctl::addEventsCommand(app, exitCode);
  zenhub::ctl::addPasswdCommand(app, exitCode);
  zenhub::ctl::addCallCommand(app, exitCode);
  zenhub::ctl::addWatchCommand(app, exitCode);
  zenhub::ctl::addInvalidationsCommand(app, exitCode);
  zenhub::ctl::addStatsCommand(app, exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "zenhubctl: " << e.what() << "\n";
    return 1;
  }
  return exitCode;
}
