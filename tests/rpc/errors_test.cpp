// The protocol's error codes: "zenhub.<code>: <message>" descriptions that clients match.
#include <gtest/gtest.h>
#include <kj/debug.h>

#include <string>

#include "rpc/errors.h"

namespace zenhub::rpc {
namespace {

constexpr ErrorCode kAll[] = {ErrorCode::kAuthFailed,     ErrorCode::kNotLoggedIn,
                              ErrorCode::kUnknownService, ErrorCode::kUnknownMonitor,
                              ErrorCode::kBusy,           ErrorCode::kTimeout,
                              ErrorCode::kShutdown,       ErrorCode::kInternal};

TEST(Errors, ErrorCodeOfReadsBackEveryCodeMadeByMakeError) {
  for (auto code : kAll) {
    auto e = makeError(code, "details: with a colon");
    EXPECT_EQ(errorCodeOf(e), errorCodeName(code));
    EXPECT_EQ(std::string(e.getDescription().cStr()),
              std::string("zenhub.") + errorCodeName(code) + ": details: with a colon");
  }
}

TEST(Errors, CodeNamesAreDistinct) {
  for (auto a : kAll) {
    for (auto b : kAll) {
      if (a != b) {
        EXPECT_STRNE(errorCodeName(a), errorCodeName(b));
      }
    }
  }
}

TEST(Errors, BusyIsOverloadedAndOthersAreFailed) {
  for (auto code : kAll) {
    auto expected = code == ErrorCode::kBusy ? kj::Exception::Type::OVERLOADED
                                             : kj::Exception::Type::FAILED;
    EXPECT_EQ(makeError(code, "x").getType(), expected) << errorCodeName(code);
  }
}

TEST(Errors, CodeIsFoundInARemoteExceptionDescription) {
  kj::Exception remote(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                       kj::str("remote exception: zenhub.authFailed: login failed"));
  EXPECT_EQ(errorCodeOf(remote), "authFailed");
}

TEST(Errors, DescriptionWithoutCodeGivesEmpty) {
  EXPECT_EQ(errorCodeOf(KJ_EXCEPTION(FAILED, "something else")), "");
  kj::Exception noColon(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::str("zenhub.busy"));
  EXPECT_EQ(errorCodeOf(noColon), "");
}

}  // namespace
}  // namespace zenhub::rpc
