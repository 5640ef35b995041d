// zenhub-bench SCENARIO [--json] [--quick] [--repetitions N]: runs benchmark scenarios against
// real processes, each with its baseline in the same run, one JSON object per measurement.
#include <CLI/CLI.hpp>
#include <kj/exception.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>

#include "hub_process.h"
#include "ping_load.h"
#include "scenarios.h"

int main(int argc, char** argv) {
  using namespace zenhub::bench;
  if (argc == 3 && std::string(argv[1]) == "serve-baseline") return serveBaseline(argv[2]);

  std::map<std::string, std::function<int(const Options&)>> scenarios = {
      {"throughput", runThroughput},
      {"latency", runLatency},
      {"connections", runConnections},
      {"services", runServices},
      {"events", runEvents},
      {"respawn", runRespawn},
      {"push-latency", runPushLatency},
      {"storm", runStorm},
      {"scale", runScale},
#ifdef ZENHUB_BENCH_STORE
      {"store", runStore},
#endif
  };
  CLI::App app{"zenhub-bench: benchmarks against real processes, each with a baseline in the same run"};
  std::string scenario;
  Options options;
  bool json = true;
  app.add_option("scenario", scenario, "Scenario to run, or 'all'")->required();
  app.add_flag("--json", json, "One JSON object per measurement (the default and only format)");
  app.add_flag("--quick", options.quick, "Small sizes and short runs (smoke test)");
  app.add_option("--repetitions", options.repetitions, "Repetitions; medians are reported")->capture_default_str();
  app.add_option("--pg-uri", options.pgUri, "PostgreSQL URI for the store scenarios");
  CLI11_PARSE(app, argc, argv);

  options.binDir = std::filesystem::canonical("/proc/self/exe").parent_path().string();
  zenhub::testing::TempDir work;
  options.workDir = work.path();
  if (options.pgUri.empty()) {
    if (const char* uri = std::getenv("ZENHUB_TEST_PG_URI")) options.pgUri = uri;
  }

  std::vector<std::string> names;
  if (scenario == "all") {
    for (const auto& [name, fn] : scenarios) names.push_back(name);
  } else if (scenarios.count(scenario)) {
    names.push_back(scenario);
  } else {
    std::cerr << "zenhub-bench: unknown scenario '" << scenario << "'; known:";
    for (const auto& [name, fn] : scenarios) std::cerr << " " << name;
    std::cerr << "\n";
    return 2;
  }
  int rc = 0;
  for (const auto& name : names) {
    try {
      rc |= scenarios[name](options);
    } catch (const kj::Exception& e) {
      std::cerr << "zenhub-bench: " << name << " failed: " << e.getDescription().cStr() << "\n";
      rc = 1;
    } catch (const std::exception& e) {
      std::cerr << "zenhub-bench: " << name << " failed: " << e.what() << "\n";
      rc = 1;
    }
  }
  return rc;
}
