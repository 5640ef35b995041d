// The model file format without a store: typing, locations of errors, emit-then-parse.
#include "store/model_yaml.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "store/model_loader.h"

namespace zenhub::store {
namespace {

model::Value typed(const std::string& yaml) {
  model::Value v;
  EXPECT_EQ(valueFromYaml(YAML::Load(yaml), v), "") << yaml;
  return v;
}

TEST(ModelYaml, PlainScalarsAreTypedQuotedOnesAreStrings) {
  EXPECT_EQ(typed("161"), model::Value(std::int64_t{161}));
  EXPECT_EQ(typed("-3"), model::Value(std::int64_t{-3}));
  EXPECT_EQ(typed("2.5"), model::Value(2.5));
  EXPECT_EQ(typed("5.0"), model::Value(5.0));
  EXPECT_EQ(typed("true"), model::Value(true));
  EXPECT_EQ(typed("\"161\""), model::Value(std::string("161")));
  EXPECT_EQ(typed("1.3.6.1.2.1.1.3.0"), model::Value(std::string("1.3.6.1.2.1.1.3.0")));
  EXPECT_EQ(typed("10.0.0.1"), model::Value(std::string("10.0.0.1")));
  EXPECT_EQ(typed("inf"), model::Value(std::string("inf")));
  EXPECT_EQ(typed("[a, 1, \"b\"]"), model::Value(model::StringList{"a", "1", "b"}));
  model::Value v;
  EXPECT_NE(valueFromYaml(YAML::Load("~"), v), "");
  EXPECT_NE(valueFromYaml(YAML::Load("{a: 1}"), v), "");
  EXPECT_NE(valueFromYaml(YAML::Load("99999999999999999999"), v), "");
}

TEST(ModelYaml, ParsesTheTreeParentsFirst) {
  auto specs = parseModelYaml(
      "collectors:\n  localhost: {pingCycleInterval: 60}\n"
      "classes:\n  /Server/Linux:\n    zProperties: {zSnmpCommunity: x}\n"
      "    devices:\n      web01:\n        manageIp: 10.0.0.1\n        interfaces:\n          eth0: {type: ethernetCsmacd}\n",
      "m.yaml");
  ASSERT_EQ(specs.size(), 5u);
  EXPECT_EQ(specs[0].path(), "/Monitors/Performance/localhost");
  EXPECT_EQ(specs[1].path(), "/Devices/Server");
  EXPECT_TRUE(specs[1].createOnly);  // an implicit parent class is created, never overwritten
  EXPECT_EQ(specs[2].path(), "/Devices/Server/Linux");
  EXPECT_FALSE(specs[2].createOnly);
  EXPECT_EQ(model::getString(specs[2].properties, "zSnmpCommunity"), "x");
  EXPECT_EQ(specs[3].path(), "/Devices/Server/Linux/devices/web01");
  EXPECT_EQ(specs[4].path(), "/Devices/Server/Linux/devices/web01/os/interfaces/eth0");
  EXPECT_EQ(specs[3].origin, "m.yaml:7:7");
}

TEST(ModelYaml, ReportsEveryProblemWithItsLineAndColumn) {
  try {
    parseModelYaml(
        "collectors:\n"
        "  localhost: {pingCycleInterval: 0}\n"
        "nonsense: 1\n"
        "classes:\n"
        "  Server: {}\n"
        "  /devices: {}\n"
        "  /Net:\n"
        "    zSnmpVer: v2c\n"
        "    templates:\n"
        "      T:\n"
        "        datasources:\n"
        "          d: {type: SNMP, cycletime: 300}\n",
        "bad.yaml");
    FAIL() << "accepted";
  } catch (const ModelError& e) {
    const auto& issues = e.issues();
    ASSERT_EQ(issues.size(), 6u) << e.what();
    EXPECT_EQ(issues[0], "bad.yaml:2:34: pingCycleInterval: pingCycleInterval must be positive");
    EXPECT_EQ(issues[1], "bad.yaml:3:1: unknown top-level key 'nonsense' (expected collectors, classes)");
    EXPECT_EQ(issues[2].rfind("bad.yaml:5:3: class 'Server' must be a path", 0), 0u) << issues[2];
    EXPECT_EQ(issues[3].rfind("bad.yaml:6:3: 'devices' is reserved", 0), 0u) << issues[3];
    EXPECT_EQ(issues[4], "bad.yaml:8:5: zProperty 'zSnmpVer' belongs under zProperties:");
    EXPECT_EQ(issues[5], "bad.yaml:12:11: RRDDataSource 'd': missing 'oid' (an SNMP datasource polls an OID)");
  }
}

TEST(ModelYaml, ASyntaxErrorHasItsLocationToo) {
  try {
    parseModelYaml("classes:\n  /A: {zProperties: [\n", "syntax.yaml");
    FAIL() << "accepted";
  } catch (const ModelError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("syntax.yaml:3:", 0), 0u) << e.what();
  }
}

TEST(ModelYaml, EmittedModelsParseBackToTheSameObjects) {
  std::vector<ObjectSpec> specs = parseModelYaml(
      "collectors:\n  localhost: {note: \"true\", n: 1, d: 1.5}\n"
      "classes:\n  /:\n    zProperties: {zSnmpCommunity: \"\", zDeviceTemplates: []}\n"
      "  /A/B:\n    title: \"007\"\n    devices:\n      d1:\n        manageIp: 10.0.0.1\n"
      "        processes:\n          p: {regex: \"^a: b\"}\n",
      "in.yaml");
  std::string yaml = emitModelYaml(objectsFromSpecs(specs));
  std::vector<ObjectSpec> again = parseModelYaml(yaml, "out.yaml");
  auto a = objectsFromSpecs(specs);
  auto b = objectsFromSpecs(again);
  ASSERT_EQ(a.size(), b.size()) << yaml;
  std::sort(a.begin(), a.end(), [](auto& x, auto& y) { return x.path < y.path; });
  std::sort(b.begin(), b.end(), [](auto& x, auto& y) { return x.path < y.path; });
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].properties, b[i].properties) << a[i].path << "\n" << yaml;
  }
}

}  // namespace
}  // namespace zenhub::store
