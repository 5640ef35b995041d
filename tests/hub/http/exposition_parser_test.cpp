// The strict exposition parser itself: it must refuse what it promises to refuse, or the writer's
// tests prove nothing.
#include "exposition_parser.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace zenhub::hub::http::testing {
namespace {

const char* kValid =
    "# A comment.\n"
    "# HELP http_requests_total The total number of HTTP requests.\n"
    "# TYPE http_requests_total counter\n"
    "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
    "http_requests_total{method=\"post\",code=\"400\"} 3 1395066363000\n"
    "\n"
    "# TYPE metric_without_labels gauge\n"
    "metric_without_labels 12.47\n"
    "# TYPE lag gauge\n"
    "lag{} -Inf\n"
    "# HELP rpc_duration_seconds A histogram.\n"
    "# TYPE rpc_duration_seconds histogram\n"
    "rpc_duration_seconds_bucket{le=\"0.05\"} 24054\n"
    "rpc_duration_seconds_bucket{le=\"0.1\"} 33444\n"
    "rpc_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
    "rpc_duration_seconds_sum 53423\n"
    "rpc_duration_seconds_count 144320\n";

TEST(ExpositionParser, AcceptsTheFormatsExample) {
  auto parsed = parseExposition(kValid);
  ASSERT_EQ(parsed.families.size(), 4u);
  EXPECT_EQ(parsed.families[0].help, "The total number of HTTP requests.");
  EXPECT_EQ(parsed.value("http_requests_total", {{"method", "post"}, {"code", "400"}}), 3);
  EXPECT_EQ(parsed.value("rpc_duration_seconds_count"), 144320);
}

void expectRejected(const std::string& text, const std::string& why) {
  EXPECT_THROW(parseExposition(text), std::runtime_error) << why << ":\n" << text;
}

TEST(ExpositionParser, RefusesSamplesWithoutAnEarlierType) {
  expectRejected("x 1\n", "no TYPE");
  expectRejected("x 1\n# TYPE x gauge\n", "TYPE after the sample");
  expectRejected("# HELP x h\nx 1\n", "HELP only");
  expectRejected("# TYPE h histogram\nh 1\n", "a histogram's bare name");
}

TEST(ExpositionParser, RefusesFamiliesSplitOrDeclaredTwice) {
  expectRejected("# TYPE a gauge\n# TYPE b gauge\na{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n",
                 "not contiguous");
  expectRejected("# TYPE a gauge\n# TYPE a gauge\na 1\n", "two TYPE");
  expectRejected("# HELP a x\n# HELP a y\n# TYPE a gauge\na 1\n", "two HELP");
}

TEST(ExpositionParser, RefusesBadNamesLabelsAndValues) {
  expectRejected("# TYPE 1a gauge\n", "metric name");
  expectRejected("# TYPE a gauge\na{1x=\"v\"} 1\n", "label name");
  expectRejected("# TYPE a gauge\na{__x=\"v\"} 1\n", "reserved label");
  expectRejected("# TYPE a gauge\na{x=\"v\",x=\"w\"} 1\n", "label twice");
  expectRejected("# TYPE a gauge\na{x=\"\\t\"} 1\n", "bad escape");
  expectRejected("# TYPE a gauge\na{x=\"v} 1\n", "unterminated");
  expectRejected("# TYPE a gauge\na{x=\"v\",} 1\n", "trailing comma");
  expectRejected("# TYPE a gauge\na one\n", "value");
  expectRejected("# TYPE a gauge\na inf\n", "lowercase inf");
  expectRejected("# TYPE a gauge\na 1", "no final newline");
  expectRejected("# TYPE a widget\n", "unknown type");
  expectRejected("# TYPE a counter\na -1\n", "negative counter");
}

TEST(ExpositionParser, RefusesDuplicateSamples) {
  expectRejected("# TYPE a gauge\na{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n", "same labels");
  expectRejected("# TYPE a gauge\na 1\na 2\n", "same sample");
}

TEST(ExpositionParser, RefusesBrokenHistograms) {
  const std::string head = "# TYPE h histogram\n";
  const std::string tail = "h_sum 1\nh_count 3\n";
  expectRejected(
      head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 3\n" + tail,
      "not cumulative");
  expectRejected(
      head + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\n" + tail,
      "le decreasing");
  expectRejected(head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 3\n" + tail, "no +Inf");
  expectRejected(head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n" + tail, "+Inf != count");
  expectRejected(head + "h_bucket{le=\"+Inf\"} 3\nh_count 3\n", "no _sum");
  expectRejected(head + "h_bucket 3\n" + tail, "bucket without le");
  expectRejected(head + "h_bucket{le=\"+Inf\"} 3\nh_sum{le=\"1\"} 1\nh_count 3\n", "le on _sum");
  EXPECT_NO_THROW(parseExposition(head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\n" + tail));
}

}  // namespace
}  // namespace zenhub::hub::http::testing
