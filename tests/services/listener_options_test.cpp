// Per-listener options: the device split over collector instances, and what is refused.
#include "services/listener_options.h"

#include <gtest/gtest.h>
#include <kj/exception.h>

#include <set>

namespace zenhub::services {
namespace {

std::string badOption(const std::vector<std::pair<std::string, std::string>>& options) {
  try {
    ListenerOptions::parse("PingConfig", options);
  } catch (const kj::Exception& e) {
    return e.getDescription().cStr();
  }
  return "accepted";
}

TEST(ListenerOptionsTest, NoOptionsTakeEveryDevice) {
  auto o = ListenerOptions::parse("PingConfig", {});
  EXPECT_TRUE(o.takes("anything"));
  EXPECT_EQ(o.workers(), 1);
}

TEST(ListenerOptionsTest, WorkersSplitDevicesIntoDisjointCompleteShares) {
  std::vector<ListenerOptions> shares;
  for (int i = 0; i < 3; ++i) {
    shares.push_back(
        ListenerOptions::parse("PingConfig", {{"workers", "3"}, {"workerId", std::to_string(i)}}));
  }
  std::vector<int> perShare(3, 0);
  for (int d = 0; d < 3000; ++d) {
    std::string id = "dev" + std::to_string(d);
    int takers = 0;
    for (int i = 0; i < 3; ++i) {
      if (shares[static_cast<size_t>(i)].takes(id)) {
        ++takers;
        ++perShare[static_cast<size_t>(i)];
      }
    }
    EXPECT_EQ(takers, 1) << id;
  }
  for (int n : perShare) EXPECT_GT(n, 800);  // roughly even
}

TEST(ListenerOptionsTest, TheSplitIsStable) {
  // FNV-1a: the same on every worker and every build.
  EXPECT_EQ(stableHash(""), 14695981039346656037ull);
  EXPECT_EQ(stableHash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(ListenerOptionsTest, RefusesUnknownKeysAndBadValues) {
  EXPECT_NE(badOption({{"community", "x"}})
                .find("zenhub.badOption: PingConfig does not accept option 'community'"),
            std::string::npos);
  EXPECT_NE(badOption({{"workers", "two"}, {"workerId", "0"}}).find("must be an integer"),
            std::string::npos);
  EXPECT_NE(badOption({{"workers", "2"}}).find("go together"), std::string::npos);
  EXPECT_NE(badOption({{"workers", "2"}, {"workerId", "2"}}).find("0..1"), std::string::npos);
  EXPECT_NE(badOption({{"workers", "0"}, {"workerId", "0"}}).find("at least 1"), std::string::npos);
}

}  // namespace
}  // namespace zenhub::services
