// `zenhubctl model` itself: the binary, its output and its exit codes (0 ok, 1 failure, 2 bad
// usage or bad input), against each backend.
#include <gtest/gtest.h>

#include <fstream>

#include "test_process.h"
#include "test_stores.h"

namespace zenhub::store {
namespace {

using testing::Backend;
using testing::ProcessResult;
using testing::TestStore;

class ZenhubctlModelTest : public ::testing::TestWithParam<Backend> {
 protected:
  ProcessResult ctl(std::vector<std::string> args, const std::string& uri = {}) {
    std::vector<std::string> argv = {testing::zenhubctl(), "model", "--store", uri.empty() ? test_.uri() : uri};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv, test_.dir());
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = test_.dir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  static std::string withoutFirstLine(const std::string& s) { return s.substr(s.find('\n') + 1); }

  TestStore test_{GetParam()};
  const std::string sample_ = ZENHUB_SOURCE_DIR "/config/sample-model.yaml";
};

TEST_P(ZenhubctlModelTest, InitLoadExportLoadRoundTrips) {
  ASSERT_EQ(ctl({"init"}).exitCode, 0);
  ProcessResult load = ctl({"--json", "load", sample_});
  ASSERT_EQ(load.exitCode, 0) << load.err;
  EXPECT_NE(load.out.find("\"tid\":1"), std::string::npos) << load.out;
  ProcessResult again = ctl({"--json", "load", sample_});
  EXPECT_NE(again.out.find("\"created\":0,\"updated\":0"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("\"tid\":0"), std::string::npos) << again.out;
  ProcessResult exported = ctl({"export"});
  ASSERT_EQ(exported.exitCode, 0) << exported.err;
  std::string file = write("export.yaml", exported.out);

  TestStore fresh(GetParam());
  ASSERT_EQ(ctl({"load", file}, fresh.uri()).exitCode, 0);
  ProcessResult reexported = ctl({"export"}, fresh.uri());
  EXPECT_EQ(withoutFirstLine(reexported.out), withoutFirstLine(exported.out));
}

TEST_P(ZenhubctlModelTest, ABadModelFileIsRejectedWithLineAndColumnAndChangesNothing) {
  ASSERT_EQ(ctl({"load", sample_}).exitCode, 0);
  std::string before = ctl({"export"}).out;
  std::string bad = write("bad.yaml",
                          "collectors:\n"
                          "  localhost: {pingCycleInterval: 10}\n"
                          "classes:\n"
                          "  /Server/Linux:\n"
                          "    zProperties:\n"
                          "      zSnmpPort: not-a-port\n"
                          "    devices:\n"
                          "      web01: {manageIp: 10.0.0.300}\n");
  ProcessResult r = ctl({"load", bad});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("bad.yaml:6:18: zSnmpPort must be an integer"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:8:25: manageIp: '10.0.0.300' is not an IP address"), std::string::npos) << r.err;
  std::string broken = write("broken.yaml", "classes:\n  /A: {zProperties: [\n");
  ProcessResult syntax = ctl({"load", broken});
  EXPECT_EQ(syntax.exitCode, 2);
  EXPECT_NE(syntax.err.find("broken.yaml:3:"), std::string::npos) << syntax.err;
  EXPECT_EQ(ctl({"export"}).out, before);
  EXPECT_NE(ctl({"changes", "--since", "0"}).out.find("cursor 1\n"), std::string::npos);
}

TEST_P(ZenhubctlModelTest, AStoreThatCannotBeOpenedIsAClearFailure) {
  std::string uri = GetParam() == Backend::kSqlite ? "sqlite:///nonexistent-dir/model.db"
                                                   : "postgresql://nobody@127.0.0.1:1/nothing";
  ProcessResult r = ctl({"get", "/Devices"}, uri);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("cannot open store " + uri), std::string::npos) << r.err;
  ProcessResult scheme = ctl({"get", "/Devices"}, "mysql://x/y");
  EXPECT_EQ(scheme.exitCode, 1);
  EXPECT_NE(scheme.err.find("unsupported store URI"), std::string::npos) << scheme.err;
}

TEST_P(ZenhubctlModelTest, AnUninitialisedStoreIsNotCreatedByReaders) {
  TestStore empty(GetParam());
  ProcessResult r = ctl({"ls", "/Devices"}, empty.uri());
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(r.err.find("init") != std::string::npos) << r.err;
}

TEST_P(ZenhubctlModelTest, GetSetMoveRemoveListAndChanges) {
  ASSERT_EQ(ctl({"load", sample_}).exitCode, 0);
  std::string web01 = "/Devices/Server/Linux/devices/web01";
  ProcessResult get = ctl({"--json", "get", web01});
  ASSERT_EQ(get.exitCode, 0) << get.err;
  EXPECT_NE(get.out.find("\"manageIp\":\"10.1.0.11\""), std::string::npos) << get.out;

  ProcessResult set = ctl({"--json", "set", web01, "zSnmpPort=1161", "zDeviceTemplates=[Device, Linux]", "title=\"42\""});
  ASSERT_EQ(set.exitCode, 0) << set.err;
  EXPECT_EQ(set.out, "{\"tid\":2}\n");
  ProcessResult resolved = ctl({"--json", "get", "--resolve", web01});
  EXPECT_NE(resolved.out.find("\"zSnmpPort\":1161"), std::string::npos) << resolved.out;
  EXPECT_NE(resolved.out.find("\"title\":\"42\""), std::string::npos) << resolved.out;
  EXPECT_NE(resolved.out.find("\"resolvedZProperties\":{"), std::string::npos) << resolved.out;
  EXPECT_NE(resolved.out.find("\"zCommandUsername\":\"zenmon\""), std::string::npos) << resolved.out;

  EXPECT_EQ(ctl({"set", web01, "zSnmpPort=abc"}).exitCode, 2);
  EXPECT_EQ(ctl({"set", web01, "novalue"}).exitCode, 2);
  EXPECT_EQ(ctl({"set", "/Devices/nothing", "a=1"}).exitCode, 1);
  EXPECT_EQ(ctl({"set", web01, "--unset", "title"}).exitCode, 0);

  ASSERT_EQ(ctl({"mv", web01, "/Devices/Server/Windows"}).exitCode, 0);
  ProcessResult ls = ctl({"--json", "ls", "/Devices/Server/Windows/devices/web01", "-r"});
  EXPECT_NE(ls.out.find("/Devices/Server/Windows/devices/web01/os/interfaces/eth0"), std::string::npos) << ls.out;
  EXPECT_EQ(ctl({"mv", "/Devices/Server/Windows/devices/web01", "/Monitors/Performance"}).exitCode, 2);

  ProcessResult rm = ctl({"--json", "rm", "/Devices/Server/Windows/devices/web01"});
  EXPECT_EQ(rm.out, "{\"tid\":5,\"removed\":9}\n");
  ProcessResult changes = ctl({"--json", "changes", "--since", "4"});
  EXPECT_NE(changes.out.find("{\"cursor\":5,\"resyncRequired\":false"), std::string::npos) << changes.out;
  // A deleted object still says where it was and what it was.
  EXPECT_NE(changes.out.find("\"kind\":\"delete\",\"path\":\"/Devices/Server/Windows/devices/web01\","
                             "\"class\":\"Device\",\"committedAtMs\":"),
            std::string::npos)
      << changes.out;
  ProcessResult moved = ctl({"changes", "--since", "3", "--limit", "1"});
  EXPECT_NE(moved.out.find("\tupdate\toid "), std::string::npos) << moved.out;
  EXPECT_NE(moved.out.find("\tIpInterface\t/Devices/Server/Windows/devices/web01/os/interfaces/eth0\n"),
            std::string::npos)
      << moved.out;
  EXPECT_NE(moved.out.find("cursor 4 (more waiting)\n"), std::string::npos) << moved.out;

  ProcessResult compact = ctl({"--json", "compact", "--keep", "1"});
  EXPECT_EQ(compact.exitCode, 0) << compact.err;
  EXPECT_NE(compact.out.find("{\"compactedThrough\":4,"), std::string::npos) << compact.out;
  ProcessResult behind = ctl({"--json", "changes", "--since", "1"});
  EXPECT_NE(behind.out.find("\"resyncRequired\":true"), std::string::npos) << behind.out;
}

TEST_P(ZenhubctlModelTest, BadUsageExitsTwo) {
  EXPECT_EQ(ctl({"frobnicate"}).exitCode, 2);
  EXPECT_EQ(ctl({"get"}).exitCode, 2);
  EXPECT_EQ(ctl({"load", test_.dir() + "/missing.yaml"}).exitCode, 2);
}

TEST_P(ZenhubctlModelTest, GenerateIsDeterministicAndLoads) {
  ASSERT_EQ(testing::run({testing::zenhubctl(), "model", "generate", "--devices", "50", "--collectors", "3", "--seed",
                          "7", "--out", test_.dir() + "/a.yaml"},
                         test_.dir())
                .exitCode,
            0);
  ASSERT_EQ(testing::run({testing::zenhubctl(), "model", "generate", "--devices", "50", "--collectors", "3", "--seed",
                          "7", "--out", test_.dir() + "/b.yaml"},
                         test_.dir())
                .exitCode,
            0);
  std::ifstream a(test_.dir() + "/a.yaml"), b(test_.dir() + "/b.yaml");
  std::string ta((std::istreambuf_iterator<char>(a)), {}), tb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_EQ(ta, tb);
  ProcessResult load = ctl({"--json", "load", test_.dir() + "/a.yaml"});
  ASSERT_EQ(load.exitCode, 0) << load.err;
  ProcessResult direct = ctl({"--json", "generate", "--devices", "50", "--collectors", "3", "--seed", "7"});
  ASSERT_EQ(direct.exitCode, 0) << direct.err;
  EXPECT_NE(direct.out.find("\"created\":0,\"updated\":0"), std::string::npos) << direct.out;  // same model
}

ZENHUB_INSTANTIATE_FOR_BACKEND(ZenhubctlModelTest);

}  // namespace
}  // namespace zenhub::store
