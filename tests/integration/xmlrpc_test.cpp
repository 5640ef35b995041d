// XML-RPC on a real hub (real workers, the sample model in a real SQLite store), driven by
// Python's standard xmlrpc.client (tests/integration/xmlrpc/xmlrpc_client.py): every method
// answers with the services' data and acts on the model and the event store; wrong credentials
// get 401; unknown methods, bad params, malformed XML and garbage get faults or HTTP errors,
// never a crash, and the hub answers afterwards.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "hub_process.h"

namespace zenhub::testing {
namespace {

const std::string kConfig = "login_failure_delay: 0.1\nheartbeat_interval: 0\n";

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string client() {
  return "/usr/bin/python3 " + std::string(ZENHUB_SOURCE_DIR) +
         "/tests/integration/xmlrpc/xmlrpc_client.py";
}

std::string url(uint16_t port, const std::string& credentials = "admin:zenoss") {
  return "http://" + (credentials.empty() ? "" : credentials + "@") +
         "127.0.0.1:" + std::to_string(port) + "/RPC2";
}

// One xmlrpc.client call: its printed outcome without the newline.
std::string call(uint16_t port, const std::string& method, const std::string& paramsJson,
                 const std::string& show = "", const std::string& credentials = "admin:zenoss") {
  std::string out;
  int rc = runCommand(client() + " call " + quote(url(port, credentials)) + " " + method + " " +
                          quote(paramsJson) + (show.empty() ? "" : " " + quote(show)),
                      &out);
  EXPECT_EQ(rc, 0) << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string post(HubProcess& hub, const std::string& body,
                 const std::string& contentType = "text/xml", const std::string& path = "/",
                 const std::string& credentials = "admin:zenoss") {
  std::string file = hub.dir().write("body", body);
  std::string out;
  int rc = runCommand(client() + " post " + std::to_string(hub.port("xmlrpc")) + " " + path + " " +
                          quote(contentType) + " " + quote(credentials) + " " + file,
                      &out);
  EXPECT_EQ(rc, 0) << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string rawBytes(HubProcess& hub, const std::string& bytes) {
  std::string file = hub.dir().write("bytes", bytes);
  std::string out;
  EXPECT_EQ(
      runCommand(client() + " bytes " + std::to_string(hub.port("xmlrpc")) + " " + file, &out), 0)
      << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

class XmlRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.start();
    ASSERT_TRUE(hub_.waitReady()) << hub_.log();
    port_ = hub_.port("xmlrpc");
    ASSERT_NE(port_, 0) << "no xmlrpc listening line in the ready file";
  }

  std::string ctl(const std::string& args) {
    std::string out;
    EXPECT_EQ(runCommand(binDir() + "/zenhubctl " + args, &out), 0) << out;
    return out;
  }

  HubProcess hub_{kConfig};
  uint16_t port_ = 0;
};

TEST_F(XmlRpcTest, SendEventStoresTheEventWithItsDetails) {
  EXPECT_EQ(
      call(port_, "sendEvent",
           R"([{"device": "web01", "component": "nginx", "eventClass": "/App/Web", "severity": "4",
                      "summary": "nginx is slow", "agent": "myscript", "ticket": "OPS-12", "attempts": 3}])"),
      "OK true");
  std::string events = ctl("events --store " + hub_.storeUri() + " --device web01 --json");
  EXPECT_NE(events.find("nginx is slow"), std::string::npos) << events;
  EXPECT_NE(events.find("OPS-12"), std::string::npos) << events;
  EXPECT_NE(events.find("myscript"), std::string::npos) << events;
  // Through the same path as a collector's call: counted in the hub's metrics.
  auto metrics = httpGet(hub_.port("status"), "/metrics");
  EXPECT_NE(metrics.body.find(
                R"(zenhub_calls_total{service="EventService",method="sendEvent",status="ok"} 1)"),
            std::string::npos)
      << metrics.body;
}

TEST_F(XmlRpcTest, SendEventsReturnsTheCountAndPingIssuesComeBackAsTuples) {
  EXPECT_EQ(
      call(
          port_, "sendEvents",
          R"([[{"device": "web01", "eventClass": "/Status/Ping", "severity": 5, "summary": "web01 is down",
                       "ipAddress": "10.1.0.11"},
                      {"device": "db01", "eventClass": "/Status/Ping", "severity": 5, "summary": "db01 is down",
                       "ipAddress": "10.1.0.21"},
                      {"device": "web02", "eventClass": "/Status/Snmp", "severity": 3, "summary": "no answer"}]])"),
      "OK 3");
  // A repeat is de-duplicated: its count goes up.
  EXPECT_EQ(
      call(
          port_, "sendEvent",
          R"([{"device": "db01", "eventClass": "/Status/Ping", "severity": 5, "summary": "db01 is down",
                      "ipAddress": "10.1.0.21"}])"),
      "OK true");
  EXPECT_EQ(call(port_, "getDevicePingIssues", "[]"),
            R"(OK [["db01", "10.1.0.21", 2], ["web01", "10.1.0.11", 1]])");
}

TEST_F(XmlRpcTest, GetConfigsReturnsTheDevicesOfTheMonitorForTheDatasourceType) {
  // The sample model's devices of each collector, without those that ignore SNMP (ad01 on
  // /Server/Windows, printer-3f and ups-branch).
  EXPECT_EQ(call(port_, "getConfigs", R"(["localhost", "SNMP"])",
                 "sorted(set(c['deviceId'] for c in r))"),
            "OK ['build01', 'core-rtr1', 'core-rtr2', 'db01', 'sw-floor1', 'web01', 'web02']");
  EXPECT_EQ(
      call(port_, "getConfigs", R"(["remote1", "SNMP"])", "sorted(set(c['deviceId'] for c in r))"),
      "OK ['branch-fs01', 'branch-rtr', 'sw-branch']");
  // The service's own struct, converted generically (camelCase names, nested lists).
  EXPECT_EQ(
      call(port_, "getConfigs", R"(["localhost", "SNMP"])",
           "[(c['manageIp'], c['config']['connection']['community'], c['config']['cycleTime'],"
           " sorted(o['oid'] for o in c['config']['oids'])[0]) for c in r if c['deviceId'] == "
           "'db01']"),
      "OK [('10.1.0.21', 'db-secret', 300, '.1.3.6.1.2.1.1.3.0')]");
  EXPECT_EQ(call(port_, "getConfigs", R"(["localhost", "COMMAND"])",
                 "sorted(ds['command'] for c in r if c['deviceId'] == 'web01' for ds in "
                 "c['config']['dataSources']"
                 " if ds['id'] == 'diskstats')"),
            "OK ['cat /proc/diskstats']");
  EXPECT_EQ(call(port_, "getConfigs", R"(["localhost", "PING"])",
                 "'web01' in [c['deviceId'] for c in r]"),
            "OK True");
}

TEST_F(XmlRpcTest, GetConfigsNamesAnUnknownMonitorOrDatasourceType) {
  EXPECT_EQ(call(port_, "getConfigs", R"(["nosuch", "SNMP"])"),
            "FAULT -32500 zenhub.unknownMonitor: Unknown performance monitor: 'nosuch'");
  EXPECT_EQ(call(port_, "getConfigs", R"(["localhost", "WMI"])"),
            "FAULT -32602 Unknown datasource type: 'WMI' (known: COMMAND, PING, SNMP)");
}

TEST_F(XmlRpcTest, GetPerformanceConfigReturnsTheCollectorsCycleIntervals) {
  EXPECT_EQ(call(port_, "getPerformanceConfig", R"(["localhost"])",
                 "(r['pingCycleInterval'], r['snmpCycleInterval'], r['processCycleInterval'])"),
            "OK (60, 300, 180)");
  EXPECT_EQ(call(port_, "getPerformanceConfig", R"(["remote1"])",
                 "(r['pingCycleInterval'], r['description'])"),
            "OK (120, 'Collector in the branch office')");
  EXPECT_EQ(call(port_, "getPerformanceConfig", R"(["nosuch"])"),
            "FAULT -32500 zenhub.unknownMonitor: Unknown performance monitor: 'nosuch'");
}

TEST_F(XmlRpcTest, ApplyDataMapChangesTheModelOnce) {
  // An object map of a component, then the same again (nothing left to change).
  std::string map =
      R"(["web01", {"speed": 100000000, "description": "uplink"}, "", "os/interfaces/eth0", "IpInterface"])";
  EXPECT_EQ(call(port_, "applyDataMap", map), "OK true");
  EXPECT_EQ(call(port_, "applyDataMap", map), "OK false");
  // A relationship map replaces the relationship's content.
  EXPECT_EQ(call(port_, "applyDataMap",
                 R"(["web02", [{"id": "root", "mount": "/"}, {"id": "srv", "mount": "/srv"}],
                                          "filesystems"])"),
            "OK true");
  std::string model = ctl("model --store " + hub_.storeUri() + " export");
  EXPECT_NE(model.find("uplink"), std::string::npos) << model;
  EXPECT_NE(model.find("/srv"), std::string::npos) << model;
  // The device's own properties: a struct without compname.
  EXPECT_EQ(call(port_, "applyDataMap", R"j(["build01", {"title": "build01 (modeled)"}])j"),
            "OK true");
  EXPECT_NE(ctl("model --store " + hub_.storeUri() + " export").find("build01 (modeled)"),
            std::string::npos);
  // The service's refusal is a fault with its message.
  std::string unknown = call(port_, "applyDataMap", R"(["nosuch", {"title": "x"}])");
  EXPECT_TRUE(startsWith(unknown, "FAULT -32500 ")) << unknown;
  EXPECT_NE(unknown.find("nosuch"), std::string::npos) << unknown;
}

TEST_F(XmlRpcTest, WrongOrMissingCredentialsAre401) {
  for (std::string credentials : {"admin:wrong", "nobody:zenoss", ""}) {
    EXPECT_EQ(call(port_, "getDevicePingIssues", "[]", "", credentials),
              R"(PROTOCOL_ERROR 401 Basic realm="zenhub", charset="UTF-8")")
        << credentials;
  }
  EXPECT_TRUE(hub_.waitForLog("event=xmlrpc_login_failed"));
  EXPECT_EQ(call(port_, "getDevicePingIssues", "[]"), "OK []");
}

TEST_F(XmlRpcTest, TheSameReloadedPasswordFileAsCollectorLogins) {
  hub_.dir().write("hubpasswd", "ops:newsecret\n");
  size_t from = hub_.logSize();
  hub_.signal(SIGHUP);
  ASSERT_TRUE(hub_.waitForLog("event=passwd_reloaded", from)) << hub_.log();
  EXPECT_TRUE(startsWith(call(port_, "getDevicePingIssues", "[]"), "PROTOCOL_ERROR 401"));
  EXPECT_EQ(call(port_, "getDevicePingIssues", "[]", "", "ops:newsecret"), "OK []");
}

TEST_F(XmlRpcTest, BadCallsAreFaultsAndGarbageNeverCrashesTheHub) {
  EXPECT_EQ(call(port_, "noSuchMethod", "[]"), "FAULT -32601 Unknown method: 'noSuchMethod'");
  EXPECT_EQ(call(port_, "getConfigs", R"(["localhost"])"),
            "FAULT -32602 getConfigs(monitor, dstype) takes 2 params, got 1");
  EXPECT_EQ(call(port_, "sendEvent", R"(["not a struct"])"),
            "FAULT -32602 event: expected a struct, got string");
  EXPECT_EQ(
      call(port_, "sendEvent", R"([{"severity": "loud"}])"),
      "FAULT -32602 event key 'severity': expected a severity 0..5 (an int or a numeric string)");
  std::string malformed =
      post(hub_, "<?xml version='1.0'?><methodCall><methodName>sendEvent</methodName><params>");
  EXPECT_TRUE(startsWith(malformed, "HTTP 200\nFAULT -32700 malformed XML")) << malformed;
  std::string notACall = post(hub_, "<methodResponse><params/></methodResponse>");
  EXPECT_TRUE(startsWith(notACall, "HTTP 200\nFAULT -32700 not a methodCall")) << notACall;
  std::string laughs = post(
      hub_,
      "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
      "<methodCall><methodName>&b;</methodName></methodCall>");
  EXPECT_TRUE(startsWith(laughs, "HTTP 200\nFAULT -32700 DOCTYPE declarations are refused"))
      << laughs;
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "<value><array><data>";
  EXPECT_TRUE(startsWith(post(hub_, "<methodCall><methodName>m</methodName><params><param>" + deep),
                         "HTTP 200\nFAULT -32700 values nested deeper than 32"));
  EXPECT_TRUE(
      startsWith(post(hub_, std::string("\x00\xff garbage \x01", 12)), "HTTP 200\nFAULT -32700"));
  EXPECT_EQ(post(hub_, "<methodCall/>", "application/json"), "HTTP 415");
  EXPECT_EQ(post(hub_, "<methodCall/>", "text/xml", "/elsewhere"), "HTTP 404");
  EXPECT_EQ(post(hub_, std::string(9u << 20, 'x')), "HTTP 413");
  EXPECT_EQ(rawBytes(hub_, "\x16\x03\x01 not http at all\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(rawBytes(hub_, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            "HTTP/1.1 405 Method Not Allowed");
  // Still serving, on XML-RPC and everywhere else.
  EXPECT_EQ(call(port_, "getPerformanceConfig", R"(["localhost"])", "r['pingCycleInterval']"),
            "OK 60");
  EXPECT_EQ(httpGet(hub_.port("status"), "/healthz").status, 200);
  EXPECT_FALSE(hub_.waitExit(std::chrono::milliseconds(0)));
}

TEST(XmlRpc, AnEmptyListenAddressTurnsItOff) {
  HubProcess hub(kConfig);
  hub.start({"--xmlrpc-listen", ""});
  ASSERT_TRUE(hub.waitReady()) << hub.log();
  EXPECT_EQ(hub.port("xmlrpc"), 0);
  EXPECT_TRUE(hub.waitForLog("event=xmlrpc_disabled"));
}

}  // namespace
}  // namespace zenhub::testing
