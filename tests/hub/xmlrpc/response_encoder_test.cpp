// The XML-RPC encoder: responses and faults, every type, and round trips through the decoder
// (what the encoder writes, a standard parser reads back as the same value).
#include "hub/xmlrpc/response_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "hub/xmlrpc/request_decoder.h"

namespace zenhub::hub::xmlrpc {
namespace {

// The response's value, read back by the request decoder (same <value> grammar).
Value roundTrip(const Value& v) {
  std::string xml = encodeResponse(v);
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = xml.find(from);
    EXPECT_NE(at, std::string::npos) << xml;
    if (at != std::string::npos) xml.replace(at, from.size(), to);
  };
  replace("<methodResponse><params>", "<methodCall><methodName>r</methodName><params>");
  replace("</params></methodResponse>", "</params></methodCall>");
  auto call = decodeMethodCall(xml);
  EXPECT_EQ(call.params.size(), 1u);
  return call.params.at(0);
}

TEST(ResponseEncoder, WritesAMethodResponse) {
  EXPECT_EQ(encodeResponse(Value::integer(3)),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<methodResponse><params><param><value><int>3</int></value></param></params></"
            "methodResponse>\n");
}

TEST(ResponseEncoder, WritesAFault) {
  EXPECT_EQ(encodeFault(-32601, "Unknown method: 'x' <&>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<methodResponse><fault><value><struct>"
            "<member><name>faultCode</name><value><int>-32601</int></value></member>"
            "<member><name>faultString</name><value><string>Unknown method: 'x' "
            "&lt;&amp;&gt;</string></value></member>"
            "</struct></value></fault></methodResponse>\n");
}

TEST(ResponseEncoder, EveryTypeRoundTrips) {
  for (const Value& v :
       {Value(),
        Value::boolean(true),
        Value::boolean(false),
        Value::integer(0),
        Value::integer(-2147483648LL),
        Value::integer(2147483647LL),
        Value::integer(1LL << 40),
        Value::integer(std::numeric_limits<int64_t>::min()),
        Value::real(0.1),
        Value::real(-1e300),
        Value::real(300),
        Value::string(""),
        Value::string("a <b> & \"c\" 'd'\n\ttab"),
        Value::string("caf\xC3\xA9 \xF0\x9F\x98\x80"),
        Value::dateTime("20260125T01:02:03"),
        Value::base64(std::string("\0\1\2\xff", 4)),
        Value::base64(""),
        Value::base64("ab"),
        Value::array({}),
        Value::structure({}),
        Value::array({Value::integer(1), Value::string("x"), Value::array({Value()})}),
        Value::structure(
            {{"a", Value::integer(1)},
             {"b <&>", Value::structure({{"c", Value::array({Value::real(2.5)})}})}})}) {
    EXPECT_EQ(roundTrip(v), v) << encodeResponse(v);
  }
}

TEST(ResponseEncoder, IntegersOutsideInt32AreI8) {
  EXPECT_NE(encodeResponse(Value::integer(2147483648LL)).find("<i8>2147483648</i8>"),
            std::string::npos);
  EXPECT_NE(encodeResponse(Value::integer(-2147483649LL)).find("<i8>-2147483649</i8>"),
            std::string::npos);
  EXPECT_NE(encodeResponse(Value::integer(-2147483648LL)).find("<int>-2147483648</int>"),
            std::string::npos);
}

TEST(ResponseEncoder, CarriageReturnsSurviveLineEndNormalisation) {
  EXPECT_EQ(roundTrip(Value::string("a\r\nb\rc")), Value::string("a\r\nb\rc"));
}

TEST(ResponseEncoder, TextThatXmlCannotCarryBecomesReplacementCharacters) {
  const std::string kFffd = "\xEF\xBF\xBD";
  // Invalid UTF-8, a control character, an overlong encoding, a surrogate: each byte replaced.
  EXPECT_EQ(roundTrip(Value::string("a\xff"
                                    "b\x01"
                                    "c")),
            Value::string("a" + kFffd + "b" + kFffd + "c"));
  EXPECT_EQ(roundTrip(Value::string("\xC0\xAF")), Value::string(kFffd + kFffd));
  EXPECT_EQ(roundTrip(Value::string("\xED\xA0\x80")), Value::string(kFffd + kFffd + kFffd));
  EXPECT_EQ(roundTrip(Value::string("\xE2\x98")), Value::string(kFffd + kFffd));
  EXPECT_EQ(roundTrip(Value::structure({{"k\x02", Value()}})),
            Value::structure({{"k" + kFffd, Value()}}));
}

TEST(ResponseEncoder, NonFiniteDoublesAreWrittenAsPythonReadsThem) {
  EXPECT_NE(encodeResponse(Value::real(std::nan(""))).find("<double>nan</double>"),
            std::string::npos);
  EXPECT_NE(encodeResponse(Value::real(-INFINITY)).find("<double>-inf</double>"),
            std::string::npos);
}

}  // namespace
}  // namespace zenhub::hub::xmlrpc
