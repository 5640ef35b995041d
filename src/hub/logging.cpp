#include "hub/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <stdexcept>

namespace zenhub::hub {

void setupLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("zenhub");
  bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  logger->set_pattern(journald ? "%l %v" : "%Y-%m-%d %H:%M:%S.%e %l %v");
  logger->flush_on(spdlog::level::trace);  // one line per event, visible at once
  spdlog::set_default_logger(logger);
  setLogLevel(level);
}

void setLogLevel(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw std::invalid_argument("unknown log level '" + level + "'");
  }
  spdlog::set_level(parsed);
}

std::string toggleDebug(const std::string& configuredLevel) {
  if (spdlog::get_level() <= spdlog::level::debug && configuredLevel != "debug" &&
      configuredLevel != "trace") {
    setLogLevel(configuredLevel);
    return configuredLevel;
  }
  if (spdlog::get_level() > spdlog::level::debug) {
    setLogLevel("debug");
    return "debug";
  }
  setLogLevel("info");
  return "info";
}

}  // namespace zenhub::hub
