// HTTP Basic credentials: what parses, what does not (never an exception), and the 401.
#include "hub/http/basic_auth.h"

#include <gtest/gtest.h>

namespace zenhub::hub::http {
namespace {

TEST(BasicAuth, ParsesUserAndPassword) {
  auto credentials = parseBasicAuth("Basic YWRtaW46emVub3Nz");  // admin:zenoss
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "admin");
  EXPECT_EQ(credentials->password, "zenoss");
}

TEST(BasicAuth, SplitsAtTheFirstColonOnly) {
  auto credentials = parseBasicAuth("Basic dXNlcjpwYTpzczo=");  // user:pa:ss:
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "user");
  EXPECT_EQ(credentials->password, "pa:ss:");
}

TEST(BasicAuth, AcceptsEmptyPartsAnyCaseSchemeAndSurroundingSpace) {
  auto credentials = parseBasicAuth("  bAsIc \t Og== ");  // ":"
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "");
  EXPECT_EQ(credentials->password, "");
}

TEST(BasicAuth, RefusesMissingColonOtherSchemesAndBadBase64) {
  EXPECT_FALSE(parseBasicAuth("Basic YWRtaW4="));           // "admin": no colon
  EXPECT_FALSE(parseBasicAuth("Bearer YWRtaW46emVub3Nz"));  // another scheme
  EXPECT_FALSE(parseBasicAuth("BasicYWRtaW46emVub3Nz"));    // no space after the scheme
  EXPECT_FALSE(parseBasicAuth("Basic"));
  EXPECT_FALSE(parseBasicAuth("Basic "));
  EXPECT_FALSE(parseBasicAuth(""));
  EXPECT_FALSE(parseBasicAuth("Basic YWRtaW46emVub3N"));    // length not a multiple of 4
  EXPECT_FALSE(parseBasicAuth("Basic YWRt!W46emVub3Nz"));   // not in the alphabet
  EXPECT_FALSE(parseBasicAuth("Basic YW=taW46emVub3Nz"));   // padding inside
  EXPECT_FALSE(parseBasicAuth("Basic YWRtaW46emVub3=z"));   // padding then data
  EXPECT_FALSE(parseBasicAuth("Basic YWRtaW46 emVub3Nz"));  // space inside
}

TEST(BasicAuth, DecodesBase64Strictly) {
  EXPECT_EQ(decodeBase64(""), "");
  EXPECT_EQ(decodeBase64("Zg=="), "f");
  EXPECT_EQ(decodeBase64("Zm8="), "fo");
  EXPECT_EQ(decodeBase64("Zm9v"), "foo");
  EXPECT_EQ(decodeBase64("+/+/"), std::string("\xfb\xff\xbf"));
  EXPECT_EQ(decodeBase64("AA=="), std::string(1, '\0'));
  EXPECT_FALSE(decodeBase64("Zg"));
  EXPECT_FALSE(decodeBase64("Z==="));
  EXPECT_FALSE(decodeBase64("Zg=a"));
  EXPECT_FALSE(decodeBase64("-_-_"));  // the URL alphabet is not accepted
}

TEST(BasicAuth, UnauthorizedAsksForBasicCredentials) {
  auto response = unauthorized("zen\"hub");
  EXPECT_EQ(response.status, 401);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(response.headers[0].second, "Basic realm=\"zen\\\"hub\", charset=\"UTF-8\"");
}

}  // namespace
}  // namespace zenhub::hub::http
