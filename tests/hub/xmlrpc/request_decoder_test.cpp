// The XML-RPC request decoder: every type, the shapes of a methodCall, and what it refuses (each
// as Fault(kParseError), never a crash): malformed and truncated XML, DOCTYPE and entities, the
// limits, deep nesting.
#include "hub/xmlrpc/request_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "hub/xmlrpc/fault.h"

namespace zenhub::hub::xmlrpc {
namespace {

std::string call(const std::string& params, const std::string& name = "m") {
  return "<?xml version=\"1.0\"?>\n<methodCall><methodName>" + name + "</methodName><params>" +
         params + "</params></methodCall>";
}

Value only(const std::string& value) {
  auto decoded = decodeMethodCall(call("<param>" + value + "</param>"));
  EXPECT_EQ(decoded.params.size(), 1u);
  return decoded.params.at(0);
}

// The fault's message, or "" when decoding succeeded.
std::string refusal(const std::string& body, const DecodeLimits& limits = {}) {
  try {
    decodeMethodCall(body, limits);
  } catch (const Fault& f) {
    EXPECT_EQ(f.code(), kParseError);
    return f.what();
  }
  return "";
}

TEST(RequestDecoder, DecodesMethodNameAndParams) {
  auto decoded =
      decodeMethodCall(call("<param><value><int>1</int></value></param>"
                            "<param><value><string>two</string></value></param>",
                            "getConfigs"));
  EXPECT_EQ(decoded.methodName, "getConfigs");
  ASSERT_EQ(decoded.params.size(), 2u);
  EXPECT_EQ(decoded.params[0], Value::integer(1));
  EXPECT_EQ(decoded.params[1], Value::string("two"));
}

TEST(RequestDecoder, AcceptsACallWithoutParams) {
  auto decoded =
      decodeMethodCall("<methodCall><methodName>getDevicePingIssues</methodName></methodCall>");
  EXPECT_EQ(decoded.methodName, "getDevicePingIssues");
  EXPECT_TRUE(decoded.params.empty());
  EXPECT_TRUE(decodeMethodCall(call("")).params.empty());
}

TEST(RequestDecoder, DecodesEveryScalarType) {
  EXPECT_EQ(only("<value><int>-42</int></value>"), Value::integer(-42));
  EXPECT_EQ(only("<value><i4> 7 </i4></value>"), Value::integer(7));
  EXPECT_EQ(only("<value><i8>9000000000</i8></value>"), Value::integer(9000000000));
  EXPECT_EQ(only("<value><ex:i8>+5</ex:i8></value>"), Value::integer(5));
  EXPECT_EQ(only("<value><boolean>1</boolean></value>"), Value::boolean(true));
  EXPECT_EQ(only("<value><boolean>0</boolean></value>"), Value::boolean(false));
  EXPECT_EQ(only("<value><double>-2.5e3</double></value>"), Value::real(-2500));
  EXPECT_EQ(only("<value><string> a &amp; b &lt;c&gt; </string></value>"),
            Value::string(" a & b <c> "));
  EXPECT_EQ(only("<value><string><![CDATA[<raw>]]></string></value>"), Value::string("<raw>"));
  EXPECT_EQ(only("<value><string>caf\xC3\xA9 &#x263A;</string></value>"),
            Value::string("caf\xC3\xA9 \xE2\x98\xBA"));
  EXPECT_EQ(only("<value><dateTime.iso8601>20260125T01:02:03</dateTime.iso8601></value>"),
            Value::dateTime("20260125T01:02:03"));
  EXPECT_EQ(only("<value><base64>aGVs\nbG8=</base64></value>"), Value::base64("hello"));
  EXPECT_EQ(only("<value><nil/></value>"), Value());
  EXPECT_EQ(only("<value><ex:nil/></value>"), Value());
}

TEST(RequestDecoder, AnUntypedValueIsAString) {
  EXPECT_EQ(only("<value>plain text</value>"), Value::string("plain text"));
  EXPECT_EQ(only("<value>  spaced  </value>"), Value::string("  spaced  "));
  EXPECT_EQ(only("<value></value>"), Value::string(""));
  EXPECT_EQ(only("<value/>"), Value::string(""));
  // Whitespace around a typed value is layout, not text.
  EXPECT_EQ(only("<value>\n  <int>3</int>\n</value>"), Value::integer(3));
}

TEST(RequestDecoder, DecodesStructsAndArrays) {
  Value v = only(
      "<value><struct>"
      "<member><name>device</name><value>web01</value></member>"
      "<member><name>severity</name><value><int>4</int></value></member>"
      "<member><name>tags</name><value><array><data><value>a</value><value><int>2</int></value></"
      "data></array></value></member>"
      "<member><name>empty</name><value><array><data/></array></value></member>"
      "<member><name>nested</name><value><struct></struct></value></member>"
      "</struct></value>");
  ASSERT_EQ(v.kind(), Value::Kind::kStruct);
  ASSERT_EQ(v.asStruct().size(), 5u);
  EXPECT_EQ(*v.member("device"), Value::string("web01"));
  EXPECT_EQ(*v.member("severity"), Value::integer(4));
  EXPECT_EQ(*v.member("tags"), Value::array({Value::string("a"), Value::integer(2)}));
  EXPECT_EQ(*v.member("empty"), Value::array({}));
  EXPECT_EQ(*v.member("nested"), Value::structure({}));
  EXPECT_EQ(v.asStruct()[0].name, "device");  // in the order sent
}

TEST(RequestDecoder, ARepeatedMemberNameKeepsTheLastValue) {
  Value v = only(
      "<value><struct><member><name>a</name><value><int>1</int></value></member>"
      "<member><name>b</name><value><int>2</int></value></member>"
      "<member><name>a</name><value><int>3</int></value></member></struct></value>");
  ASSERT_EQ(v.asStruct().size(), 2u);
  EXPECT_EQ(*v.member("a"), Value::integer(3));
}

TEST(RequestDecoder, RefusesBadScalars) {
  EXPECT_NE(refusal(call("<param><value><int>12x</int></value></param>")).find("bad <int>"),
            std::string::npos);
  EXPECT_NE(refusal(call("<param><value><int></int></value></param>")), "");
  EXPECT_NE(refusal(call("<param><value><i8>99999999999999999999</i8></value></param>")), "");
  EXPECT_NE(refusal(call("<param><value><boolean>true</boolean></value></param>")).find("boolean"),
            std::string::npos);
  EXPECT_NE(refusal(call("<param><value><double>1.2.3</double></value></param>")), "");
  EXPECT_NE(refusal(call("<param><value><base64>!!!!</base64></value></param>")), "");
  EXPECT_NE(refusal(call("<param><value><dateTime.iso8601></dateTime.iso8601></value></param>")),
            "");
  EXPECT_NE(refusal(call("<param><value><nil>x</nil></value></param>")), "");
}

TEST(RequestDecoder, RefusesWhatIsNotAMethodCall) {
  EXPECT_NE(refusal("<methodResponse><params/></methodResponse>").find("not a methodCall"),
            std::string::npos);
  EXPECT_NE(refusal("<methodCall><params/></methodCall>").find("without a methodName"),
            std::string::npos);
  EXPECT_NE(refusal("<methodCall><methodName></methodName></methodCall>"), "");
  EXPECT_NE(refusal("<methodCall><methodName>a b</methodName></methodCall>"), "");
  EXPECT_NE(
      refusal(call("<param><value><float>1</float></value></param>")).find("unknown value type"),
      std::string::npos);
  EXPECT_NE(refusal(call("<param><value><int>1</int><int>2</int></value></param>")), "");
  EXPECT_NE(refusal(call("<param><value>text<int>2</int></value></param>")), "");
  EXPECT_NE(refusal(call("<param><value><int>2</int>text</value></param>")), "");
  EXPECT_NE(refusal(call("<param></param>")).find("without a <value>"), std::string::npos);
  EXPECT_NE(
      refusal(
          call("<param><value><struct><member><value>1</value></member></struct></value></param>")),
      "");
  EXPECT_NE(refusal(call(
                "<param><value><struct><member><name>a</name></member></struct></value></param>")),
            "");
  EXPECT_NE(refusal(call("<param><value><array><value>1</value></array></value></param>")), "");
  EXPECT_NE(refusal(call("stray text")), "");
  EXPECT_NE(
      refusal("<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>"), "");
}

TEST(RequestDecoder, RefusesMalformedAndTruncatedXml) {
  std::string whole = call(
      "<param><value><struct><member><name>a</name><value>b</value></member></struct></value></"
      "param>");
  for (size_t n = 0; n < whole.size(); ++n) {
    EXPECT_NE(refusal(whole.substr(0, n)), "") << "truncated at " << n;
  }
  EXPECT_NE(refusal("").find("malformed XML"), std::string::npos);
  EXPECT_NE(refusal("garbage").find("malformed XML"), std::string::npos);
  EXPECT_NE(refusal("<methodCall><methodName>a</methodName></methodcall>"), "");
  EXPECT_NE(refusal("<methodCall><methodName>a</methodName></methodCall><methodCall/>"), "");
  EXPECT_NE(refusal(call("<param><value>&undefined;</value></param>")), "");
  EXPECT_NE(refusal(std::string("<methodCall><methodName>a\xff</methodName></methodCall>")), "");
  EXPECT_NE(refusal(std::string("<methodCall>\0</methodCall>", 26)), "");
}

TEST(RequestDecoder, RefusesDoctypeAndEntities) {
  std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<methodCall><methodName>&lol3;</methodName></methodCall>";
  EXPECT_NE(refusal(laughs).find("DOCTYPE"), std::string::npos);
  EXPECT_NE(
      refusal("<!DOCTYPE methodCall SYSTEM \"file:///etc/passwd\"><methodCall/>").find("DOCTYPE"),
      std::string::npos);
}

TEST(RequestDecoder, EnforcesTheLimits) {
  DecodeLimits limits;
  limits.maxBodyBytes = 100;
  EXPECT_NE(refusal(call(std::string(200, ' ')), limits).find("over the limit"), std::string::npos);

  limits = {};
  limits.maxStringBytes = 10;
  EXPECT_EQ(refusal(call("<param><value>0123456789</value></param>"), limits), "");
  EXPECT_NE(refusal(call("<param><value>0123456789a</value></param>"), limits).find("longer than"),
            std::string::npos);
  EXPECT_NE(
      refusal(call("<param><value><string>0123456789a</string></value></param>", "m"), limits), "");
  EXPECT_NE(refusal(call("", "abcdefghijk"), limits), "");

  limits = {};
  limits.maxValues = 3;
  EXPECT_EQ(refusal(call("<param><value><array><data><value>1</value><value>2</value></data></"
                         "array></value></param>"),
                    limits),
            "");
  EXPECT_NE(
      refusal(
          call("<param><value><array><data><value>1</value><value>2</value><value>3</value></data>"
               "</array></value></param>"),
          limits)
          .find("more than 3 values"),
      std::string::npos);
}

std::string nested(size_t depth) {
  std::string open, close;
  for (size_t i = 0; i < depth; ++i) {
    open += "<value><array><data>";
    close += "</data></array></value>";  // all alike: appending is nesting
  }
  return call("<param>" + open + "<value>x</value>" + close + "</param>");
}

TEST(RequestDecoder, RefusesNestingDeeperThanTheLimit) {
  DecodeLimits limits;
  limits.maxDepth = 32;
  EXPECT_EQ(refusal(nested(32), limits), "");
  EXPECT_NE(refusal(nested(33), limits).find("nested deeper than 32"), std::string::npos);
  // Far deeper than any stack would like: refused as early, without recursion.
  EXPECT_NE(refusal(nested(100000), DecodeLimits{64u << 20, 32, 1u << 30, 1u << 20}), "");
}

}  // namespace
}  // namespace zenhub::hub::xmlrpc
