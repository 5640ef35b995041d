// The saved counters' file: its text both ways, every way it can be corrupt, the atomic write,
// and the off-loop saver.
#include "hub/saved_counters.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <fstream>

#include "hub_process.h"

namespace zenhub::hub {
namespace {

using testing::TempDir;

LifetimeCounters sample() {
  LifetimeCounters c;
  c.starts = 3;
  c.calls = 123456789012ULL;
  c.callErrors = 17;
  c.events = 42;
  c.invalidationCycles = 999;
  c.invalidationSeconds = 12.5;
  return c;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(SavedCounters, TextRoundTrips) {
  auto c = sample();
  EXPECT_EQ(parseCounters(formatCounters(c)), c);
  EXPECT_EQ(parseCounters(formatCounters({})), LifetimeCounters{});
}

TEST(SavedCounters, AddsARunToTheSavedTotals) {
  LifetimeCounters total = sample();
  LifetimeCounters run;
  run.starts = 1;
  run.calls = 10;
  run.events = 2;
  run.invalidationCycles = 1;
  run.invalidationSeconds = 0.5;
  total += run;
  EXPECT_EQ(total.starts, 4u);
  EXPECT_EQ(total.calls, 123456789022ULL);
  EXPECT_EQ(total.events, 44u);
  EXPECT_EQ(total.invalidationCycles, 1000u);
  EXPECT_DOUBLE_EQ(total.invalidationSeconds, 13.0);
}

TEST(SavedCounters, RefusesEveryKindOfCorruptFileNamingTheLine) {
  std::string good = formatCounters(sample());
  struct Case {
    std::string text;
    std::string error;
  };
  std::vector<Case> cases = {
      {"", "line 1"},
      {"garbage\n", "line 1"},
      {"zenhub-counters 2\ncalls 1\n", "line 1"},
      {"zenhub-counters 1\ncalls\n", "line 2: expected 'name value'"},
      {"zenhub-counters 1\ncalls -1\n", "line 2: not a count"},
      {"zenhub-counters 1\ncalls 1x\n", "line 2: not a count"},
      {"zenhub-counters 1\ncalls 99999999999999999999999\n", "line 2: not a count"},
      {"zenhub-counters 1\ncalls 1\ncalls 2\n", "line 3: 'calls' given twice"},
      {"zenhub-counters 1\nwidgets 1\n", "line 2: unknown counter 'widgets'"},
      {"zenhub-counters 1\ninvalidation_seconds nan\n", "line 2: not a number of seconds"},
      {"zenhub-counters 1\ninvalidation_seconds -3\n", "line 2: not a number of seconds"},
      {"zenhub-counters 1\ncalls 1\ncall_errors 2\n", "call_errors is larger than calls"},
      {good.substr(0, good.size() / 2) + "\x01\x02\n", "line"},
  };
  for (const auto& c : cases) {
    try {
      parseCounters(c.text);
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const CountersError& e) {
      EXPECT_NE(std::string(e.what()).find(c.error), std::string::npos) << e.what() << " for: " << c.text;
    }
  }
}

TEST(SavedCounters, WritesAtomicallyAndReadsBack) {
  TempDir dir;
  std::string path = dir.file("counters");
  EXPECT_FALSE(readCountersFile(path).has_value());  // a first start
  writeCountersFile(path, sample());
  EXPECT_EQ(*readCountersFile(path), sample());
  EXPECT_EQ(readAll(path), formatCounters(sample()));
  struct stat st {};
  EXPECT_NE(::stat((path + ".tmp").c_str(), &st), 0) << "the temporary file is renamed, not left behind";
  auto next = sample();
  next.calls += 1;
  writeCountersFile(path, next);
  EXPECT_EQ(*readCountersFile(path), next);
}

TEST(SavedCounters, AWriteThatCannotHappenSaysWhyAndLeavesTheOldFile) {
  TempDir dir;
  EXPECT_THROW(writeCountersFile(dir.file("missing/counters"), sample()), CountersError);
  std::string path = dir.write("counters", "zenhub-counters 1\ncalls 5\n");
  ::chmod(dir.path().c_str(), 0500);
  if (::geteuid() != 0) {  // root writes anyway
    EXPECT_THROW(writeCountersFile(path, sample()), CountersError);
    EXPECT_EQ(readCountersFile(path)->calls, 5u);
  }
  ::chmod(dir.path().c_str(), 0700);
}

TEST(SavedCounters, ACorruptFileIsReportedByTheReader) {
  TempDir dir;
  std::string path = dir.write("counters", "not counters at all");
  EXPECT_THROW(readCountersFile(path), CountersError);
}

TEST(CounterSaver, TheLatestSaveReachesTheDiskOffTheLoop) {
  TempDir dir;
  boost::asio::io_context io;
  std::string path = dir.file("counters");
  {
    CounterSaver saver(io, path);
    for (uint64_t i = 1; i <= 50; ++i) {
      LifetimeCounters c;
      c.calls = i;
      saver.save(c);
    }
  }  // destroying the saver waits for the running save
  ASSERT_TRUE(readCountersFile(path).has_value());
  EXPECT_EQ(readCountersFile(path)->calls, 50u);
  io.run();  // outcomes posted back are dropped once the saver is gone
}

TEST(CounterSaver, SaveNowWritesOnTheCallingThread) {
  TempDir dir;
  boost::asio::io_context io;
  CounterSaver saver(io, dir.file("counters"));
  saver.save(sample());
  auto last = sample();
  last.events = 7;
  saver.saveNow(last);
  EXPECT_EQ(readCountersFile(dir.file("counters"))->events, 7u);
}

}  // namespace
}  // namespace zenhub::hub
