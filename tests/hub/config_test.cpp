#include "hub/config.h"

#include <gtest/gtest.h>

#include "hub/options.h"

namespace zenhub::hub {
namespace {

TEST(Config, EmptyFileKeepsDefaults) {
  HubConfig c;
  applyYaml(c, "", "zenhub.yaml");
  EXPECT_EQ(c.monitor, "localhost");
  EXPECT_EQ(c.listen.str(), "127.0.0.1:8789");
  EXPECT_EQ(c.workers, 2);
}

TEST(Config, ReadsEverySettingKind) {
  HubConfig c;
  applyYaml(c,
            "monitor: hub2\nlisten: '[::1]:0'\nworkers: 4\nlog_level: debug\n"
            "max_outbound_bytes: 1048576\nlogin_deadline: 2.5\nstore: postgresql://z@h:5432/m\n",
            "f.yaml");
  EXPECT_EQ(c.monitor, "hub2");
  EXPECT_EQ(c.listen.host, "::1");
  EXPECT_EQ(c.listen.port, 0);
  EXPECT_EQ(c.workers, 4);
  EXPECT_EQ(c.logLevel, "debug");
  EXPECT_EQ(c.maxOutboundBytes, 1048576u);
  EXPECT_DOUBLE_EQ(c.loginDeadlineSeconds, 2.5);
  EXPECT_EQ(c.store, "postgresql://z@h:5432/m");
}

TEST(Config, ReportsEveryErrorWithLineAndColumn) {
  HubConfig c;
  try {
    applyYaml(c, "workers: 0\nmonitr: x\nlisten: nohost\nlogin_deadline: soon\n", "f.yaml");
    FAIL() << "accepted a bad file";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.errors().size(), 4u) << e.what();
    EXPECT_EQ(e.errors()[0], "f.yaml:1:10: workers: must be between 1 and 256");
    EXPECT_EQ(e.errors()[1], "f.yaml:2:1: unknown setting 'monitr'");
    EXPECT_EQ(e.errors()[2], "f.yaml:3:9: listen: expected host:port, got 'nohost'");
    EXPECT_EQ(e.errors()[3], "f.yaml:4:17: login_deadline: expected a number of seconds, got 'soon'");
  }
}

TEST(Config, SyntaxErrorNamesItsPosition) {
  HubConfig c;
  try {
    applyYaml(c, "monitor: a\nlisten: a: b\n", "f.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].rfind("f.yaml:2:", 0), 0u) << e.errors()[0];
  }
}

TEST(Config, NonMappingIsRefused) {
  HubConfig c;
  EXPECT_THROW(applyYaml(c, "- a\n- b\n", "f.yaml"), ConfigError);
}

TEST(Config, ParsesEndpoints) {
  EXPECT_EQ(parseEndpoint("0.0.0.0:8789").port, 8789);
  EXPECT_EQ(parseEndpoint("[::]:1").host, "::");
  EXPECT_THROW(parseEndpoint("host:99999"), std::invalid_argument);
  EXPECT_THROW(parseEndpoint(":80"), std::invalid_argument);
  EXPECT_THROW(parseEndpoint("host:"), std::invalid_argument);
  EXPECT_THROW(parseEndpoint("host:8x"), std::invalid_argument);
}

TEST(Config, AnEmptyXmlRpcAddressTurnsXmlRpcOff) {
  HubConfig c;
  EXPECT_EQ(c.xmlrpcListen.str(), "127.0.0.1:8081");
  applyYaml(c, "xmlrpc_listen: \"\"\n", "f.yaml");
  EXPECT_TRUE(c.xmlrpcListen.host.empty());
  applyYaml(c, "xmlrpc_listen: 0.0.0.0:9081\n", "f.yaml");
  EXPECT_EQ(c.xmlrpcListen.port, 9081);
  EXPECT_THROW(applyYaml(c, "xmlrpc_listen: nowhere\n", "f.yaml"), ConfigError);
  const char* argv[] = {"zenhub", "--xmlrpc-listen", ""};
  auto cl = parseCommandLine(3, argv);
  ASSERT_EQ(cl.exitCode, -1) << cl.output;
  EXPECT_TRUE(cl.config.xmlrpcListen.host.empty());
}

TEST(Config, ValidateRejectsUnknownStoreScheme) {
  HubConfig c;
  c.store = "mysql://x";
  auto errors = validate(c);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("store"), std::string::npos);
}

TEST(CommandLine, FlagsOverrideTheFile) {
  char tmpl[] = "/tmp/zenhub-config-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  std::string yaml = "monitor: fromfile\nworkers: 3\n";
  ASSERT_EQ(::write(fd, yaml.data(), yaml.size()), static_cast<ssize_t>(yaml.size()));
  ::close(fd);
  const char* argv[] = {"zenhub", "--config", tmpl, "--workers", "5", "--listen", "127.0.0.1:0"};
  auto cl = parseCommandLine(7, argv);
  ::unlink(tmpl);
  ASSERT_EQ(cl.exitCode, -1) << cl.output;
  EXPECT_EQ(cl.config.monitor, "fromfile");
  EXPECT_EQ(cl.config.workers, 5);
  EXPECT_EQ(cl.config.listen.port, 0);
}

TEST(CommandLine, BadFlagValuesAreAllReported) {
  const char* argv[] = {"zenhub", "--workers", "0", "--listen", "nowhere", "--log-level", "loud"};
  auto cl = parseCommandLine(7, argv);
  EXPECT_EQ(cl.exitCode, 2);
  EXPECT_NE(cl.output.find("--workers"), std::string::npos) << cl.output;
  EXPECT_NE(cl.output.find("--listen"), std::string::npos) << cl.output;
  EXPECT_NE(cl.output.find("log_level"), std::string::npos) << cl.output;
}

TEST(CommandLine, UnknownFlagExitsTwo) {
  const char* argv[] = {"zenhub", "--listne", "x"};
  auto cl = parseCommandLine(3, argv);
  EXPECT_EQ(cl.exitCode, 2);
}

}  // namespace
}  // namespace zenhub::hub

namespace zenhub::hub {
namespace {

TEST(CommandLine, TheShippedConfigFileIsValidAndDocumentsTheDefaults) {
  std::string path = std::string(ZENHUB_SOURCE_DIR) + "/config/zenhub.yaml";
  const char* argv[] = {"zenhub", "--config", path.c_str()};
  auto cl = parseCommandLine(3, argv);
  ASSERT_EQ(cl.exitCode, -1) << cl.output;
  HubConfig defaults;
  EXPECT_EQ(cl.config.listen.str(), defaults.listen.str());
  EXPECT_EQ(cl.config.workers, defaults.workers);
  EXPECT_EQ(cl.config.pool.pools.at("default"), defaults.workers);
  EXPECT_EQ(cl.config.pool.callTimeout, pool::defaultPoolConfig().callTimeout);
  EXPECT_EQ(cl.config.stateDir, defaults.stateDir);
  const auto& inv = cl.config.invalidations;
  EXPECT_EQ(inv.pollInterval, defaults.invalidations.pollInterval);
  EXPECT_EQ(inv.maxDelay, defaults.invalidations.maxDelay);
  EXPECT_EQ(inv.batchSize, defaults.invalidations.batchSize);
  EXPECT_EQ(inv.pushTimeout, defaults.invalidations.pushTimeout);
  ASSERT_EQ(inv.filters.size(), defaults.invalidations.filters.size());
  EXPECT_EQ(inv.filters[0].classes, defaults.invalidations.filters[0].classes);
}

TEST(HubConfig, InvalidationSettingsAndFiltersAreRead) {
  HubConfig c;
  applyYaml(c,
            "invalidations:\n"
            "  poll_interval: 0.5\n"
            "  debounce: 0.2\n"
            "  max_delay: 3\n"
            "  batch_size: 50\n"
            "  keep_pause: true\n"
            "  filters:\n"
            "    - {name: lab, weight: 20, action: exclude, path: /Devices/Lab}\n"
            "    - {name: routers, weight: 10, action: include, classes: Device, path: /Devices/Lab/Router}\n",
            "zenhub.yaml");
  EXPECT_EQ(c.invalidations.pollInterval, 0.5);
  EXPECT_EQ(c.invalidations.debounce, 0.2);
  EXPECT_EQ(c.invalidations.maxDelay, 3);
  EXPECT_EQ(c.invalidations.batchSize, 50);
  EXPECT_TRUE(c.invalidations.keepPause);
  ASSERT_EQ(c.invalidations.filters.size(), 2u);
  EXPECT_EQ(c.invalidations.filters[1].name, "routers");
  EXPECT_TRUE(c.invalidations.filters[1].include);
  EXPECT_EQ(c.invalidations.filters[1].classes, std::vector<std::string>{"Device"});
}

TEST(HubConfig, BadInvalidationSettingsAreEachReportedWithTheirPosition) {
  HubConfig c;
  try {
    applyYaml(c,
              "invalidations:\n"
              "  poll_interval: never\n"
              "  batch_size: 0\n"
              "  surprise: 1\n"
              "  filters:\n"
              "    - {name: x, action: maybe, path: Devices}\n"
              "    - {name: y}\n",
              "zenhub.yaml");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    std::string all;
    for (const auto& line : e.errors()) all += line + "\n";
    EXPECT_NE(all.find("zenhub.yaml:2:18: invalidations.poll_interval: expected a number of seconds"), std::string::npos) << all;
    EXPECT_NE(all.find("zenhub.yaml:3:15: invalidations.batch_size: must be between 1 and 100000"), std::string::npos) << all;
    EXPECT_NE(all.find("zenhub.yaml:4:3: unknown setting 'invalidations.surprise'"), std::string::npos) << all;
    EXPECT_NE(all.find("invalidations.filters.action: 'maybe' is not include or exclude"), std::string::npos) << all;
    EXPECT_NE(all.find("invalidations.filters.path: must start with '/'"), std::string::npos) << all;
    EXPECT_NE(all.find("'y' needs an action"), std::string::npos) << all;
  }
}

TEST(CommandLine, PoolSettingsAreCheckedWithPositions) {
  char tmpl[] = "/tmp/zenhub-config-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  std::string yaml = "routes:\n  \"Svc:*\": default\n";  // no *:* route
  ASSERT_EQ(::write(fd, yaml.data(), yaml.size()), static_cast<ssize_t>(yaml.size()));
  ::close(fd);
  const char* argv[] = {"zenhub", "--config", tmpl};
  auto cl = parseCommandLine(3, argv);
  ::unlink(tmpl);
  EXPECT_EQ(cl.exitCode, 2);
  EXPECT_NE(cl.output.find("'*:*' route is required"), std::string::npos) << cl.output;
}

}  // namespace
}  // namespace zenhub::hub
