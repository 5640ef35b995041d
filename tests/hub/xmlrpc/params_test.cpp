// The XML-RPC methods' params into the services' types: events (known keys to fields, the rest
// to details; severity as a number or numeric text), datamaps (object and relationship maps) and
// property values. Every problem is Fault(kInvalidParams) naming the argument.
#include "hub/xmlrpc/params.h"

#include <capnp/message.h>
#include <gtest/gtest.h>

#include "hub/xmlrpc/fault.h"

namespace zenhub::hub::xmlrpc {
namespace {

std::string invalidParams(const std::function<void()>& f) {
  try {
    f();
  } catch (const Fault& fault) {
    EXPECT_EQ(fault.code(), kInvalidParams);
    return fault.what();
  }
  return "";
}

TEST(Params, AnEventsKnownKeysAreFieldsAndTheRestDetails) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  fillEvent(Value::structure({{"device", Value::string("web01")},
                              {"component", Value::string("eth0")},
                              {"eventClass", Value::string("/Status/Ping")},
                              {"eventKey", Value::string("k")},
                              {"summary", Value::string("down")},
                              {"message", Value::string("long text")},
                              {"severity", Value::string("4")},
                              {"agent", Value::string("zenping")},
                              {"monitor", Value::string("remote1")},
                              {"timestamp", Value::real(1700000000.5)},
                              {"ipAddress", Value::string("10.1.0.11")},
                              {"count", Value::integer(3)},
                              {"flag", Value::boolean(true)}}),
            event);
  EXPECT_EQ(std::string(event.getDevice().cStr()), "web01");
  EXPECT_EQ(std::string(event.getComponent().cStr()), "eth0");
  EXPECT_EQ(std::string(event.getEventClass().cStr()), "/Status/Ping");
  EXPECT_EQ(std::string(event.getEventKey().cStr()), "k");
  EXPECT_EQ(std::string(event.getSummary().cStr()), "down");
  EXPECT_EQ(std::string(event.getMessage().cStr()), "long text");
  EXPECT_EQ(event.getSeverity(), 4);
  EXPECT_EQ(std::string(event.getAgent().cStr()), "zenping");
  EXPECT_EQ(std::string(event.getMonitor().cStr()), "remote1");
  EXPECT_EQ(event.getTimestamp(), 1700000000.5);
  auto details = event.getDetails();
  ASSERT_EQ(details.size(), 3u);
  EXPECT_EQ(std::string(details[0].getName().cStr()), "ipAddress");
  EXPECT_EQ(std::string(details[0].getValue().getText().cStr()), "10.1.0.11");
  EXPECT_EQ(std::string(details[1].getValue().getText().cStr()), "3");
  EXPECT_EQ(std::string(details[2].getValue().getText().cStr()), "true");
}

TEST(Params, RefusesBadEvents) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  EXPECT_NE(invalidParams([&] { fillEvent(Value::array({}), event); }).find("expected a struct"),
            std::string::npos);
  for (const Value& severity :
       {Value::string("high"), Value::integer(6), Value::integer(-1), Value::real(2.5)}) {
    EXPECT_NE(invalidParams([&] {
                fillEvent(Value::structure({{"severity", severity}}), event);
              }).find("severity"),
              std::string::npos);
  }
  EXPECT_NE(invalidParams([&] {
              fillEvent(Value::structure({{"device", Value::array({})}}), event);
            }).find("event key 'device'"),
            std::string::npos);
  EXPECT_NE(invalidParams([&] {
              fillEvent(Value::structure({{"x", Value::structure({})}}), event);
            }),
            "");
}

TEST(Params, AStructDatamapIsAnObjectMap) {
  capnp::MallocMessageBuilder message;
  auto map = message.initRoot<schema::DataMap>();
  fillDataMap(
      Value::structure({{"speed", Value::integer(100)}, {"description", Value::string("uplink")}}),
      "", "os/interfaces/eth0", "IpInterface", map);
  ASSERT_TRUE(map.isObject());
  auto om = map.getObject();
  EXPECT_EQ(std::string(om.getCompname().cStr()), "os/interfaces/eth0");
  EXPECT_EQ(std::string(om.getModname().cStr()), "IpInterface");
  EXPECT_EQ(std::string(om.getId().cStr()), "eth0");  // from compname
  ASSERT_EQ(om.getProperties().size(), 2u);
  EXPECT_EQ(om.getProperties()[0].getValue().getInt(), 100);
  EXPECT_EQ(std::string(om.getProperties()[1].getValue().getText().cStr()), "uplink");
}

TEST(Params, AnArrayDatamapWithRelnameIsARelationshipMap) {
  capnp::MallocMessageBuilder message;
  auto map = message.initRoot<schema::DataMap>();
  fillDataMap(
      Value::array(
          {Value::structure({{"id", Value::string("root")}, {"mount", Value::string("/")}}),
           Value::structure({{"id", Value::string("var")}, {"mount", Value::string("/var")}})}),
      "filesystems", "", "", map);
  ASSERT_TRUE(map.isRelationship());
  auto rel = map.getRelationship();
  EXPECT_EQ(std::string(rel.getRelname().cStr()), "filesystems");
  ASSERT_EQ(rel.getObjectMaps().size(), 2u);
  EXPECT_EQ(std::string(rel.getObjectMaps()[1].getId().cStr()), "var");
  ASSERT_EQ(rel.getObjectMaps()[1].getProperties().size(), 1u);  // id is not a property
}

TEST(Params, RefusesDatamapsOfTheWrongShape) {
  capnp::MallocMessageBuilder message;
  auto map = message.initRoot<schema::DataMap>();
  EXPECT_NE(
      invalidParams([&] { fillDataMap(Value::array({}), "", "", "", map); }).find("needs relname"),
      std::string::npos);
  EXPECT_NE(invalidParams([&] { fillDataMap(Value::structure({}), "interfaces", "", "", map); }),
            "");
  EXPECT_NE(invalidParams([&] { fillDataMap(Value::integer(1), "", "", "", map); }), "");
  EXPECT_NE(invalidParams([&] {
              fillDataMap(Value::array({Value::integer(1)}), "interfaces", "", "", map);
            }).find("datamap[0]"),
            std::string::npos);
  EXPECT_NE(invalidParams([&] {
              fillDataMap(Value::structure({{"p", Value::structure({})}}), "", "", "", map);
            }).find("key 'p'"),
            std::string::npos);
}

TEST(Params, PropertyValues) {
  capnp::MallocMessageBuilder message;
  auto v = message.initRoot<schema::Value>();
  fillPropertyValue(Value(), v, "p");
  EXPECT_TRUE(v.isNone());
  fillPropertyValue(Value::boolean(true), v, "p");
  EXPECT_TRUE(v.getBool());
  fillPropertyValue(Value::real(2.5), v, "p");
  EXPECT_EQ(v.getFloat(), 2.5);
  fillPropertyValue(Value::array({Value::string("a"), Value::integer(2)}), v, "p");
  ASSERT_EQ(v.getList().size(), 2u);
  EXPECT_EQ(std::string(v.getList()[1].cStr()), "2");
  EXPECT_NE(invalidParams([&] { fillPropertyValue(Value::base64("x"), v, "p"); }), "");
}

TEST(Params, ParamCountsAndStrings) {
  EXPECT_EQ(invalidParams([] { expectParams({}, 0, 0, "f()"); }), "");
  EXPECT_EQ(invalidParams([] { expectParams({Value::integer(1)}, 1, 2, "f(a)"); }), "");
  EXPECT_EQ(invalidParams([] { expectParams({}, 1, 1, "f(a)"); }), "f(a) takes 1 params, got 0");
  EXPECT_EQ(invalidParams([] { expectParams({}, 2, 5, "g(a, b)"); }),
            "g(a, b) takes 2 to 5 params, got 0");
  EXPECT_EQ(invalidParams([] { stringParam(Value::integer(1), "monitor"); }),
            "monitor: expected a string, got int");
}

}  // namespace
}  // namespace zenhub::hub::xmlrpc
