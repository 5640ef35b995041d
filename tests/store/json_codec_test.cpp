#include "store/json_codec.h"

#include <gtest/gtest.h>

namespace zenhub::store {
namespace {

TEST(JsonCodec, EncodesCanonicallyAndDecodesBack) {
  model::Properties p = {{"zeta", std::int64_t{1}}, {"alpha", 1.0}, {"s", std::string("a\"b\\c\nd\x01")},
                         {"l", model::StringList{"x", ""}}, {"t", true}, {"f", false}, {"neg", -0.25}};
  std::string json = encodeProperties(p);
  EXPECT_EQ(json.rfind("{\"alpha\":1.0,", 0), 0u) << json;
  EXPECT_EQ(decodeProperties(json), p);
  EXPECT_EQ(encodeProperties(decodeProperties(json)), json);
}

TEST(JsonCodec, KeepsIntegersAndDoublesApart) {
  auto p = decodeProperties(R"({"i": 3, "d": 3.0, "e": 1e3, "big": 9223372036854775807})");
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(p.at("i")));
  EXPECT_TRUE(std::holds_alternative<double>(p.at("d")));
  EXPECT_TRUE(std::holds_alternative<double>(p.at("e")));
  EXPECT_EQ(std::get<std::int64_t>(p.at("big")), INT64_MAX);
}

TEST(JsonCodec, RejectsWhatIsOutsideTheSubset) {
  EXPECT_THROW(decodeProperties("[1]"), JsonError);
  EXPECT_THROW(decodeProperties(R"({"a": {"b": 1}})"), JsonError);
  EXPECT_THROW(decodeProperties(R"({"a": [1]})"), JsonError);
  EXPECT_THROW(decodeProperties(R"({"a": "unterminated)"), JsonError);
  EXPECT_THROW(decodeProperties(R"({"a": 1} trailing)"), JsonError);
  EXPECT_THROW(encodeValue(std::numeric_limits<double>::infinity()), JsonError);
}

}  // namespace
}  // namespace zenhub::store
