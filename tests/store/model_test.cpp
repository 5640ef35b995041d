// The model's pure rules: zProperty acquisition, class placement, URIs, validation, generation.
#include <gtest/gtest.h>

#include "store/errors.h"
#include "store/model_generator.h"
#include "store/model_validate.h"
#include "store/store_uri.h"
#include "zenhub/model.h"

namespace zenhub::store {
namespace {

using model::Properties;
using model::Value;

TEST(Acquisition, TheNearestSetterWins) {
  Properties device = {{"zSnmpCommunity", std::string("dev")}};
  Properties linuxClass = {{"zSnmpCommunity", std::string("linux")}, {"zCommandUsername", std::string("zenmon")}};
  Properties server = {{"zSnmpPort", std::int64_t{1161}}, {"zCommandUsername", std::string("srv")}};
  Properties root = {{"zSnmpPort", std::int64_t{161}}, {"zSnmpVer", std::string("v1")}};
  std::vector<const Properties*> chain = {&device, &linuxClass, &server, &root};
  EXPECT_EQ(model::acquire(chain, "zSnmpCommunity"), Value(std::string("dev")));
  EXPECT_EQ(model::acquire(chain, "zCommandUsername"), Value(std::string("zenmon")));
  EXPECT_EQ(model::acquire(chain, "zSnmpPort"), Value(std::int64_t{1161}));
  EXPECT_EQ(model::acquire(chain, "zSnmpVer"), Value(std::string("v1")));
}

TEST(Acquisition, FallsBackToTheBuiltInDefaultsThenToNothing) {
  Properties empty;
  std::vector<const Properties*> chain = {&empty, &empty};
  EXPECT_EQ(model::acquire(chain, "zSnmpCommunity"), Value(std::string("public")));
  EXPECT_EQ(model::acquire(chain, "zSnmpTries"), Value(std::int64_t{2}));
  EXPECT_EQ(model::acquire({}, "zDeviceTemplates"), Value(model::StringList{"Device"}));
  EXPECT_FALSE(model::acquire(chain, "zUnknown"));
}

TEST(Acquisition, AnExplicitEmptyValueStillOverrides) {
  Properties device = {{"zDeviceTemplates", model::StringList{}}};
  EXPECT_EQ(model::acquire({&device}, "zDeviceTemplates"), Value(model::StringList{}));
}

TEST(ClassRules, ChildPathsFollowTheRelations) {
  EXPECT_EQ(model::childPath("/Devices/Server", model::cls::kDevice, "web01"), "/Devices/Server/devices/web01");
  EXPECT_EQ(model::childPath("/Devices/Server/devices/web01", model::cls::kInterface, "eth0"),
            "/Devices/Server/devices/web01/os/interfaces/eth0");
  EXPECT_EQ(model::childPath("/Devices", model::cls::kDeviceClass, "Server"), "/Devices/Server");
  EXPECT_EQ(model::childPath("/Devices", model::cls::kTemplate, "Device"), "/Devices/rrdTemplates/Device");
}

TEST(ClassRules, RelationNamesAreReservedWhereTheyWouldCollide) {
  EXPECT_FALSE(checkId("devices", model::cls::kDeviceClass).empty());
  EXPECT_FALSE(checkId("rrdTemplates", model::cls::kDeviceClass).empty());
  EXPECT_FALSE(checkId("os", model::cls::kDeviceClass).empty());
  EXPECT_TRUE(checkId("os", model::cls::kDevice).empty());  // /Devices/X/devices/os is unambiguous
  EXPECT_FALSE(checkId("a/b", model::cls::kDevice).empty());
  EXPECT_FALSE(checkId("", model::cls::kDevice).empty());
}

TEST(Validation, ChecksKnownPropertiesAndZPropertyTypes) {
  using model::cls::kDevice;
  EXPECT_EQ(checkProperty(kDevice, "zSnmpPort", Value(std::int64_t{161})), "");
  EXPECT_NE(checkProperty(kDevice, "zSnmpPort", Value(std::string("161"))), "");
  EXPECT_NE(checkProperty(kDevice, "zSnmpPort", Value(std::int64_t{70000})), "");
  EXPECT_NE(checkProperty(kDevice, "zSnmpVer", Value(std::string("v4"))), "");
  EXPECT_EQ(checkProperty(kDevice, "zSnmpTimeout", Value(std::int64_t{3})), "");  // an int is a number
  EXPECT_NE(checkProperty(model::cls::kInterface, "zSnmpPort", Value(std::int64_t{1})), "");
  EXPECT_NE(checkProperty(kDevice, "manageIp", Value(std::string("10.0.0.256"))), "");
  EXPECT_EQ(checkProperty(kDevice, "manageIp", Value(std::string("2001:db8::1"))), "");
  EXPECT_EQ(checkProperty(kDevice, "anything", Value(std::string("free-form"))), "");
  EXPECT_NE(checkProperty(model::cls::kProcess, "regex", Value(std::string("(oops"))), "");
  EXPECT_EQ(checkRequired(model::cls::kThreshold, {{"dsnames", model::StringList{"a"}}}).size(), 1u);
}

TEST(StoreUris, AcceptsTheDocumentedForms) {
  EXPECT_EQ(parseStoreUri("sqlite:///var/lib/zenhub/model.db").location, "/var/lib/zenhub/model.db");
  EXPECT_EQ(parseStoreUri("sqlite://var/model.db").location, "var/model.db");
  EXPECT_EQ(parseStoreUri("sqlite:model.db").location, "model.db");
  auto pg = parseStoreUri("postgresql://zenhub@db:5432/model");
  EXPECT_EQ(pg.kind, StoreUri::Kind::kPostgres);
  EXPECT_EQ(pg.location, "postgresql://zenhub@db:5432/model");
  EXPECT_THROW(parseStoreUri("mysql://x"), StoreError);
  EXPECT_THROW(parseStoreUri("sqlite://"), StoreError);
}

TEST(Generator, IsDeterministicAndSpreadsDevicesOverCollectors) {
  auto a = generateModel({200, 4, 9});
  auto b = generateModel({200, 4, 9});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path(), b[i].path());
    EXPECT_EQ(a[i].properties, b[i].properties);
  }
  std::map<std::string, int> perCollector;
  for (const auto& s : a) {
    if (s.className == model::cls::kDevice) ++perCollector[*model::getString(s.properties, "perfServer")];
  }
  EXPECT_EQ(perCollector.size(), 4u);
  EXPECT_EQ(perCollector["localhost"], 50);
  EXPECT_NE(generateModel({200, 4, 10}).size(), 0u);
}

}  // namespace
}  // namespace zenhub::store
