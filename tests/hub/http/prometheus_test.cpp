// PrometheusWriter and Histogram: golden text for a small example, every output passing the
// strict exposition parser, and the mistakes the writer refuses.
#include "hub/http/prometheus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "exposition_parser.h"

namespace zenhub::hub::http {
namespace {

using testing::parseExposition;

TEST(PrometheusWriter, WritesTheGoldenExample) {
  PrometheusWriter writer;
  const char* calls = "Service calls by service, method and status.";
  writer.counter("zenhub_calls_total", calls,
                 {{"service", "EventService"}, {"method", "sendEvent"}, {"status", "ok"}}, 3);
  writer.gauge("zenhub_workers", "Workers by state.", {{"state", "ready"}}, 2);
  // Added from another place: still written with its family.
  writer.counter("zenhub_calls_total", calls,
                 {{"service", "EventService"}, {"method", "sendEvent"}, {"status", "error"}}, 1);
  Histogram latency({0.5, 1});
  latency.observe(0.25);
  latency.observe(0.5);  // on a bound: counted in that bucket
  latency.observe(3.0);
  writer.histogram("zenhub_call_seconds", "Service call latency.", {{"service", "ConfigService"}},
                   latency);
  writer.gauge("zenhub_up", "", {}, 1);

  EXPECT_EQ(writer.text(),
            "# HELP zenhub_calls_total Service calls by service, method and status.\n"
            "# TYPE zenhub_calls_total counter\n"
            "zenhub_calls_total{service=\"EventService\",method=\"sendEvent\",status=\"ok\"} 3\n"
            "zenhub_calls_total{service=\"EventService\",method=\"sendEvent\",status=\"error\"} 1\n"
            "# HELP zenhub_workers Workers by state.\n"
            "# TYPE zenhub_workers gauge\n"
            "zenhub_workers{state=\"ready\"} 2\n"
            "# HELP zenhub_call_seconds Service call latency.\n"
            "# TYPE zenhub_call_seconds histogram\n"
            "zenhub_call_seconds_bucket{service=\"ConfigService\",le=\"0.5\"} 2\n"
            "zenhub_call_seconds_bucket{service=\"ConfigService\",le=\"1\"} 2\n"
            "zenhub_call_seconds_bucket{service=\"ConfigService\",le=\"+Inf\"} 3\n"
            "zenhub_call_seconds_sum{service=\"ConfigService\"} 3.75\n"
            "zenhub_call_seconds_count{service=\"ConfigService\"} 3\n"
            "# TYPE zenhub_up gauge\n"
            "zenhub_up 1\n");
  auto parsed = parseExposition(writer.text());
  EXPECT_EQ(parsed.families.size(), 4u);
  EXPECT_EQ(parsed.value("zenhub_call_seconds_count", {{"service", "ConfigService"}}), 3);
}

TEST(PrometheusWriter, EscapesLabelValuesAndHelp) {
  PrometheusWriter writer;
  writer.gauge("odd", "a \\ help\nline with \"quotes\"", {{"path", "C:\\dir \"x\"\nnext"}}, 1);
  EXPECT_EQ(writer.text(),
            "# HELP odd a \\\\ help\\nline with \"quotes\"\n"
            "# TYPE odd gauge\n"
            "odd{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
  auto parsed = parseExposition(writer.text());
  EXPECT_EQ(parsed.families[0].help, "a \\ help\nline with \"quotes\"");
  EXPECT_EQ(parsed.families[0].samples[0].labels.at("path"), "C:\\dir \"x\"\nnext");
}

TEST(PrometheusWriter, FormatsSpecialAndLargeValues) {
  EXPECT_EQ(formatValue(INFINITY), "+Inf");
  EXPECT_EQ(formatValue(-INFINITY), "-Inf");
  EXPECT_EQ(formatValue(NAN), "NaN");
  EXPECT_EQ(formatValue(0.1), "0.1");
  EXPECT_EQ(formatValue(12345678), "12345678");
  PrometheusWriter writer;
  writer.gauge("lag_seconds", "h", {{"kind", "nan"}}, NAN);
  writer.gauge("lag_seconds", "h", {{"kind", "inf"}}, INFINITY);
  writer.counter("big_total", "h", {}, 1e21);
  auto parsed = parseExposition(writer.text());
  EXPECT_EQ(parsed.value("big_total"), 1e21);
}

TEST(PrometheusWriter, RefusesOneNameWithTwoTypes) {
  PrometheusWriter writer;
  writer.counter("calls_total", "h", {}, 1);
  EXPECT_THROW(writer.gauge("calls_total", "h", {{"a", "b"}}, 1), std::logic_error);
  EXPECT_THROW(writer.histogram("calls_total", "h", {}, Histogram()), std::logic_error);
}

TEST(PrometheusWriter, RefusesHistogramSeriesClashingWithAnotherFamily) {
  PrometheusWriter writer;
  writer.counter("latency_count", "h", {}, 1);
  EXPECT_THROW(writer.histogram("latency", "h", {}, Histogram()), std::logic_error);
  PrometheusWriter other;
  other.histogram("latency", "h", {}, Histogram());
  EXPECT_THROW(other.gauge("latency_sum", "h", {}, 1), std::logic_error);
  EXPECT_THROW(other.histogram("latency", "h", {{"le", "1"}}, Histogram()), std::logic_error);
}

TEST(PrometheusWriter, RefusesInvalidNames) {
  PrometheusWriter writer;
  EXPECT_THROW(writer.counter("", "h", {}, 1), std::logic_error);
  EXPECT_THROW(writer.counter("9lives", "h", {}, 1), std::logic_error);
  EXPECT_THROW(writer.counter("has-dash", "h", {}, 1), std::logic_error);
  EXPECT_THROW(writer.gauge("ok", "h", {{"bad-label", "x"}}, 1), std::logic_error);
  EXPECT_THROW(writer.gauge("ok", "h", {{"__reserved", "x"}}, 1), std::logic_error);
  EXPECT_THROW(writer.gauge("ok", "h", {{"a", "x"}, {"a", "y"}}, 1), std::logic_error);
  writer.gauge("name:with_colons", "h", {{"_under", "x"}}, 1);
  EXPECT_NO_THROW(parseExposition(writer.text()));
}

TEST(PrometheusWriter, RefusesTheSameSampleTwiceAndNegativeCounters) {
  PrometheusWriter writer;
  writer.gauge("depth", "h", {{"pool", "default"}}, 1);
  EXPECT_THROW(writer.gauge("depth", "h", {{"pool", "default"}}, 2), std::logic_error);
  EXPECT_THROW(writer.counter("calls_total", "h", {}, -1), std::logic_error);
  EXPECT_THROW(writer.counter("calls_total", "h", {}, NAN), std::logic_error);
  writer.histogram("seconds", "h", {}, Histogram());
  EXPECT_THROW(writer.histogram("seconds", "h", {}, Histogram()), std::logic_error);
}

TEST(PrometheusWriter, ManyFamiliesFromSeveralPlacesParseStrictly) {
  PrometheusWriter writer;
  for (int round = 0; round < 3; ++round) {
    for (const char* service : {"EventService", "ConfigService", "PingService"}) {
      Labels labels{{"service", service}, {"round", std::to_string(round)}};
      writer.counter("zenhub_calls_total", "Calls.", labels, round * 2);
      Histogram h;
      for (int i = 0; i <= round * 10; ++i) h.observe(0.0007 * i * i);
      writer.histogram("zenhub_call_duration_seconds", "Latency.", labels, h);
      writer.gauge("zenhub_queue_depth", "Queue.", labels, round);
    }
  }
  auto parsed = parseExposition(writer.text());
  ASSERT_EQ(parsed.families.size(), 3u);
  EXPECT_EQ(parsed.family("zenhub_calls_total")->samples.size(), 9u);
  EXPECT_EQ(parsed.value("zenhub_call_duration_seconds_count",
                         {{"service", "PingService"}, {"round", "2"}}),
            21);
}

TEST(PrometheusWriter, EmptyWriterWritesNothing) {
  EXPECT_EQ(PrometheusWriter().text(), "");
}

TEST(Histogram, CountsEachValueInTheFirstBucketAtOrAboveIt) {
  Histogram h({1, 2, 5});
  for (double v : {0.0, 1.0, 1.5, 2.0, 4.9, 5.0, 5.1, 100.0}) h.observe(v);
  h.observe(NAN);
  EXPECT_EQ(h.bucketCounts(), (std::vector<uint64_t>{2, 2, 2, 2}));
  EXPECT_EQ(h.count(), 8u);
  EXPECT_DOUBLE_EQ(h.sum(), 119.5);
  h.observe(std::chrono::milliseconds(1500));
  EXPECT_EQ(h.bucketCounts()[1], 3u);
}

TEST(Histogram, RefusesBoundsThatAreNotStrictlyIncreasingAndFinite) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, INFINITY}), std::invalid_argument);
  EXPECT_THROW(Histogram({NAN}), std::invalid_argument);
  EXPECT_NO_THROW(Histogram(std::vector<double>{}));
  EXPECT_EQ(Histogram().upperBounds(), Histogram::defaultLatencyBounds());
}

}  // namespace
}  // namespace zenhub::hub::http
