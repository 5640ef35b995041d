// The Cap'n Proto to XML-RPC converter, through a test schema with a field of every kind, and
// through the real services' types (a branded DeviceConfig(SnmpDeviceConfig)).
#include "hub/xmlrpc/capnp_converter.h"

#include <capnp/message.h>
#include <gtest/gtest.h>

#include "convert_test.capnp.h"
#include "services.capnp.h"

namespace zenhub::hub::xmlrpc {
namespace {

TEST(CapnpConverter, ConvertsEveryKindOfField) {
  capnp::MallocMessageBuilder message;
  auto e = message.initRoot<test::Everything>();
  e.setFlag(true);
  e.setSmall(-8);
  e.setBig(42);
  e.setSingle(1.5f);
  e.setDouble(-0.25);
  e.setText("hello");
  const kj::byte bytes[] = {0, 1, 255};
  e.setData(kj::arrayPtr(bytes, 3));
  e.setColor(test::Color::DARK_GREEN);
  auto ints = e.initInts(2);
  ints.set(0, 1);
  ints.set(1, -2);
  e.initInner().setName("in");
  e.initInners(1)[0].setName("one");
  e.getChoice().setWord("chosen");
  e.getStats().setCount(3);
  e.getStats().setLabel("l");
  e.initBound().setValue(2.5);
  e.initBounds(2)[1].setValue(1);
  auto texts = e.initTexts(1);
  texts.set(0, "t");

  Value v = fromCapnp(capnp::toDynamic(e.asReader()));
  ASSERT_EQ(v.kind(), Value::Kind::kStruct);
  EXPECT_EQ(*v.member("flag"), Value::boolean(true));
  EXPECT_EQ(*v.member("small"), Value::integer(-8));
  EXPECT_EQ(*v.member("big"), Value::integer(42));
  EXPECT_EQ(*v.member("single"), Value::real(1.5));
  EXPECT_EQ(*v.member("double"), Value::real(-0.25));
  EXPECT_EQ(*v.member("text"), Value::string("hello"));
  EXPECT_EQ(*v.member("data"), Value::base64(std::string("\0\1\xff", 3)));
  EXPECT_EQ(*v.member("color"), Value::string("darkGreen"));
  EXPECT_EQ(*v.member("ints"), Value::array({Value::integer(1), Value::integer(-2)}));
  EXPECT_EQ(*v.member("inner"), Value::structure({{"name", Value::string("in")}}));
  EXPECT_EQ(*v.member("inners"),
            Value::array({Value::structure({{"name", Value::string("one")}})}));
  EXPECT_EQ(*v.member("stats"),
            Value::structure({{"count", Value::integer(3)}, {"label", Value::string("l")}}));
  EXPECT_EQ(*v.member("texts"), Value::array({Value::string("t")}));
  // The active member of the named union only.
  EXPECT_EQ(*v.member("choice"), Value::structure({{"word", Value::string("chosen")}}));
  // A struct that is only a union is its active member's value; Void is nil.
  EXPECT_EQ(*v.member("bound"), Value::real(2.5));
  EXPECT_EQ(*v.member("bounds"), Value::array({Value(), Value::real(1)}));
  // Void fields, capabilities and AnyPointers have no XML-RPC form.
  EXPECT_EQ(v.member("nothing"), nullptr);
  EXPECT_EQ(v.member("cap"), nullptr);
  EXPECT_EQ(v.member("any"), nullptr);
}

TEST(CapnpConverter, AVoidUnionMemberIsNil) {
  capnp::MallocMessageBuilder message;
  auto e = message.initRoot<test::Everything>();
  e.getChoice().setNone();
  Value v = fromCapnp(capnp::toDynamic(e.asReader()));
  EXPECT_EQ(*v.member("choice"), Value::structure({{"none", Value()}}));
  EXPECT_EQ(*v.member("bound"), Value());  // unset: the union's first member, none
}

TEST(CapnpConverter, AnUnsignedAboveInt64IsADouble) {
  capnp::MallocMessageBuilder message;
  auto e = message.initRoot<test::Everything>();
  e.setBig(~0ull);
  EXPECT_EQ(*fromCapnp(capnp::toDynamic(e.asReader())).member("big"),
            Value::real(18446744073709551615.0));
}

TEST(CapnpConverter, AnEnumValueNewerThanTheSchemaIsItsNumber) {
  capnp::MallocMessageBuilder message;
  auto e = message.initRoot<test::Everything>();
  e.setColor(static_cast<test::Color>(7));
  EXPECT_EQ(*fromCapnp(capnp::toDynamic(e.asReader())).member("color"), Value::integer(7));
}

TEST(CapnpConverter, FollowsAGenericServiceTypeToItsConfig) {
  capnp::MallocMessageBuilder message;
  auto config = message.initRoot<schema::DeviceConfig<schema::SnmpDeviceConfig>>();
  config.setDeviceId("web01");
  config.setConfigId("web01");
  config.setManageIp("10.1.0.11");
  auto snmp = config.initConfig();
  snmp.initConnection().setCommunity("public");
  snmp.setCycleTime(300);
  auto oid = snmp.initOids(1)[0];
  oid.setOid("1.3.6.1.2.1.1.3.0");
  auto point = oid.initDataPoints(1)[0];
  point.setId("sysUpTime_sysUpTime");
  point.initMin().setValue(0);

  Value v = fromCapnp(capnp::toDynamic(config.asReader()));
  EXPECT_EQ(*v.member("deviceId"), Value::string("web01"));
  const Value* c = v.member("config");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(*c->member("cycleTime"), Value::integer(300));
  EXPECT_EQ(*c->member("connection")->member("community"), Value::string("public"));
  EXPECT_EQ(*c->member("connection")->member("port"), Value::integer(161));  // the schema's default
  const auto& dp = c->member("oids")->asArray().at(0).member("dataPoints")->asArray().at(0);
  EXPECT_EQ(*dp.member("id"), Value::string("sysUpTime_sysUpTime"));
  EXPECT_EQ(*dp.member("min"), Value::real(0));
  EXPECT_EQ(*dp.member("max"), Value());
}

TEST(CapnpConverter, APropertyValueIsItsActiveMember) {
  capnp::MallocMessageBuilder message;
  auto item = message.initRoot<schema::PropertyItem>();
  item.setName("pingCycleInterval");
  item.initValue().setInt(60);
  EXPECT_EQ(fromCapnp(capnp::toDynamic(item.asReader())),
            Value::structure(
                {{"name", Value::string("pingCycleInterval")}, {"value", Value::integer(60)}}));
  auto list = item.initValue().initList(2);
  list.set(0, "a");
  list.set(1, "b");
  EXPECT_EQ(*fromCapnp(capnp::toDynamic(item.asReader())).member("value"),
            Value::array({Value::string("a"), Value::string("b")}));
}

}  // namespace
}  // namespace zenhub::hub::xmlrpc
