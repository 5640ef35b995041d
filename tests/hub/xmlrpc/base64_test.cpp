// Base64 for XML-RPC's <base64>: RFC 4648 test vectors, line-wrapped input, and what is refused.
#include "hub/xmlrpc/base64.h"

#include <gtest/gtest.h>

#include <vector>

namespace zenhub::hub::xmlrpc {
namespace {

TEST(Base64, EncodesTheRfcVectors) {
  EXPECT_EQ(encodeBase64(""), "");
  EXPECT_EQ(encodeBase64("f"), "Zg==");
  EXPECT_EQ(encodeBase64("fo"), "Zm8=");
  EXPECT_EQ(encodeBase64("foo"), "Zm9v");
  EXPECT_EQ(encodeBase64("foob"), "Zm9vYg==");
  EXPECT_EQ(encodeBase64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encodeBase64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encodeBase64("\xff\xfe"), "//4=");
}

TEST(Base64, DecodesWhatItEncodesAndSkipsLineBreaks) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\0\1\xff", 3)}) {
    EXPECT_EQ(decodeBase64(encodeBase64(s)), s);
  }
  EXPECT_EQ(decodeBase64("Zm9v\nYmFy\r\n"), "foobar");
  EXPECT_EQ(decodeBase64(" Zm8 = "), "fo");
}

TEST(Base64, RefusesWhatIsNotPaddedStandardBase64) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "=", "Zm9v=", "Zg==Zg==", "Zm-v", "Zm_v", "Zm9v!"}) {
    EXPECT_FALSE(decodeBase64(bad)) << bad;
  }
}

}  // namespace
}  // namespace zenhub::hub::xmlrpc
