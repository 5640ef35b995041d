// ModelerService: device lists, plugins, device configs, and applyDataMaps writing the model
// (feeding the change feed) only when something differs. Built for both backends.
#include <gtest/gtest.h>

#include <set>

#include "service_fixture.h"

namespace zenhub::services {
namespace {

using store::testing::Backend;
using testing::ServiceFixture;
using testing::texts;

void item(schema::PropertyItem::Builder out, const char* name, const char* text) {
  out.setName(name);
  out.initValue().setText(text);
}
void item(schema::PropertyItem::Builder out, const char* name, std::int64_t value) {
  out.setName(name);
  out.initValue().setInt(value);
}

class ModelerServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  // web01's interfaces as modeled: eth0 (faster now), eth1 (new); lo is gone.
  void interfacesMap(capnp::List<schema::DataMap>::Builder maps) {
    auto rel = maps[0].initRelationship();
    rel.setRelname("interfaces");
    rel.setModname("IpInterface");
    auto oms = rel.initObjectMaps(2);
    oms[0].setId("eth0");
    auto p0 = oms[0].initProperties(2);
    item(p0[0], "type", "ethernetCsmacd");
    item(p0[1], "speed", std::int64_t{10000000000});
    oms[1].setId("eth1");
    auto p1 = oms[1].initProperties(2);
    item(p1[0], "type", "ethernetCsmacd");
    item(p1[1], "ifindex", std::int64_t{3});
    auto dev = maps[1].initObject();
    auto p = dev.initProperties(1);
    item(p[0], "title", "web01.prod.example.com");
  }

  bool apply(bool single = false) {
    if (single) {
      auto request = modeler_.singleApplyDataMapsRequest();
      request.setDevice("web01");
      interfacesMap(request.initMaps(2));
      return request.send().wait(f_.waitScope).getChanged();
    }
    auto request = modeler_.applyDataMapsRequest();
    request.setDevice("web01");
    interfacesMap(request.initMaps(2));
    return request.send().wait(f_.waitScope).getChanged();
  }

  ServiceFixture f_{GetParam()};
  // Held by pointer: a client's destructor may throw, which a fixture's cannot.
  std::unique_ptr<schema::ModelerService::Client> client_ =
      std::make_unique<schema::ModelerService::Client>(
          f_.service<schema::ModelerService>("ModelerService"));
  schema::ModelerService::Client& modeler_ = *client_;
};

TEST_P(ModelerServiceTest, DeviceListByMonitor) {
  auto request = modeler_.getDeviceListByMonitorRequest();
  request.setMonitor("remote1");
  auto ids = texts(request.send().wait(f_.waitScope).getDevices());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{"branch-fs01", "branch-rtr", "sw-branch", "ups-branch"}));
  auto mine =
      texts(modeler_.getDeviceListByMonitorRequest().send().wait(f_.waitScope).getDevices());
  EXPECT_EQ(mine.size(), 9u);  // "" = this instance's monitor
}

TEST_P(ModelerServiceTest, ClassCollectorPlugins) {
  auto reply = modeler_.getClassCollectorPluginsRequest().send().wait(
      f_.waitScope);  // owns what readers point to
  auto classes = reply.getClasses();
  std::map<std::string, std::vector<std::string>> got;
  for (auto c : classes) got[c.getDeviceClass()] = texts(c.getPlugins());
  EXPECT_EQ(got.size(), 3u);  // /, /Server, /Network set it
  EXPECT_EQ(got["/Network"],
            (std::vector<std::string>{"zenoss.snmp.NewDeviceMap", "zenoss.snmp.InterfaceMap",
                                      "zenoss.snmp.RouteMap"}));
  EXPECT_EQ(got["/"].size(), 3u);
}

TEST_P(ModelerServiceTest, DeviceConfigHasResolvedPluginsAndZProperties) {
  auto request = modeler_.getDeviceConfigRequest();
  auto names = request.initNames(2);
  names.set(0, "core-rtr1");
  names.set(1, "web01");
  auto reply = request.send().wait(f_.waitScope);
  auto devices = reply.getDevices();
  ASSERT_EQ(devices.size(), 2u);
  auto rtr = devices[0];
  EXPECT_EQ(std::string(rtr.getId()), "core-rtr1");
  EXPECT_EQ(std::string(rtr.getManageIp()), "10.0.0.1");
  EXPECT_EQ(std::string(rtr.getDeviceClass()), "/Network/Router");
  EXPECT_EQ(texts(rtr.getPlugins()),
            (std::vector<std::string>{"zenoss.snmp.NewDeviceMap", "zenoss.snmp.InterfaceMap",
                                      "zenoss.snmp.RouteMap"}));
  std::map<std::string, std::string> props;
  for (auto p : rtr.getProperties()) {
    auto v = p.getValue();
    props[p.getName()] = v.isText()  ? std::string(v.getText())
                         : v.isInt() ? std::to_string(v.getInt())
                                     : "?";
  }
  EXPECT_EQ(props["zSnmpCommunity"], "netops-ro");
  EXPECT_EQ(props["zSnmpTries"], "3");
  EXPECT_EQ(props["zCommandPort"], "22");
  EXPECT_EQ(devices[1].getPlugins().size(), 6u);  // /Server's list
}

TEST_P(ModelerServiceTest, CheckStatusSkipsDevicesBelowTheirProductionThreshold) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server/Linux/devices/build01",
               {{"zProdStateThreshold", std::int64_t{600}}});
  });
  for (bool check : {false, true}) {
    auto request = modeler_.getDeviceConfigRequest();
    request.setCheckStatus(check);
    std::vector<std::string> ids;
    auto reply = request.send().wait(f_.waitScope);
    for (auto d : reply.getDevices()) ids.emplace_back(d.getId());
    EXPECT_EQ(ids.size(), check ? 8u : 9u);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "build01"), check ? 0 : 1);
  }
}

TEST_P(ModelerServiceTest, ApplyDataMapsWritesTheModelAndFeedsTheChangeFeed) {
  store::Cursor cursor = f_.store->read()->feedCursor();
  EXPECT_TRUE(apply());
  {
    auto txn = f_.store->read();
    std::string web01 = "/Devices/Server/Linux/devices/web01";
    EXPECT_EQ(model::getString(txn->get(web01)->properties, "title"), "web01.prod.example.com");
    EXPECT_EQ(model::getInt(txn->get(web01 + "/os/interfaces/eth0")->properties, "speed"),
              10000000000);
    // Properties the map does not list are kept.
    EXPECT_EQ(model::getString(txn->get(web01 + "/os/interfaces/eth0")->properties, "macaddress"),
              "52:54:00:12:01:11");
    ASSERT_TRUE(txn->get(web01 + "/os/interfaces/eth1"));
    EXPECT_FALSE(txn->get(web01 + "/os/interfaces/lo"));
    EXPECT_TRUE(txn->get(web01 + "/os/filesystems/root"));  // other relationships untouched
  }
  auto batch = f_.store->changesSince(cursor);
  std::set<std::int64_t> tids;
  for (const auto& c : batch.changes) tids.insert(c.tid);
  EXPECT_EQ(tids.size(), 1u);           // one transaction
  EXPECT_EQ(batch.changes.size(), 4u);  // web01, eth0, eth1 updated; lo deleted
  cursor = batch.cursor;

  EXPECT_FALSE(apply());      // the same maps again: nothing differs
  EXPECT_FALSE(apply(true));  // singleApplyDataMaps behaves the same
  EXPECT_TRUE(f_.store->changesSince(cursor).changes.empty());
}

TEST_P(ModelerServiceTest, ObjectMapsCreateComponentsAndRemoveProperties) {
  auto request = modeler_.applyDataMapsRequest();
  request.setDevice("db01");
  auto maps = request.initMaps(2);
  auto om = maps[0].initObject();
  om.setCompname("os/processes/pgbouncer");
  om.setModname("OSProcess");
  om.setId("pgbouncer");
  auto p = om.initProperties(1);
  item(p[0], "regex", "^pgbouncer");
  auto dev = maps[1].initObject();
  auto dp = dev.initProperties(1);
  dp[0].setName("title");
  dp[0].initValue().setNone();
  EXPECT_TRUE(request.send().wait(f_.waitScope).getChanged());
  auto txn = f_.store->read();
  EXPECT_TRUE(txn->get("/Devices/Server/Linux/devices/db01/os/processes/pgbouncer"));
  EXPECT_FALSE(
      model::getString(txn->get("/Devices/Server/Linux/devices/db01")->properties, "title"));
}

TEST_P(ModelerServiceTest, BadMapsAreTypedErrorsAndChangeNothing) {
  store::Cursor cursor = f_.store->read()->feedCursor();
  auto expectBad = [&](const char* device, auto fillMaps, const char* fragment) {
    auto request = modeler_.applyDataMapsRequest();
    request.setDevice(device);
    fillMaps(request.initMaps(2));
    try {
      request.send().wait(f_.waitScope);
      ADD_FAILURE() << "accepted: " << fragment;
    } catch (const kj::Exception& e) {
      std::string d = e.getDescription().cStr();
      EXPECT_NE(d.find("zenhub.badRequest"), std::string::npos) << d;
      EXPECT_NE(d.find(fragment), std::string::npos) << d;
    }
  };
  expectBad(
      "nosuch", [](auto) {}, "no device named 'nosuch'");
  expectBad(
      "web01",
      [](capnp::List<schema::DataMap>::Builder maps) {
        auto ok = maps[0].initObject();  // a good change first: it must be rolled back
        item(ok.initProperties(1)[0], "title", "changed");
        maps[1].initRelationship().setRelname("widgets");
      },
      "unknown relationship 'widgets'");
  expectBad(
      "web01",
      [](capnp::List<schema::DataMap>::Builder maps) {
        auto om = maps[0].initObject();
        om.setCompname("os/processes/bad");
        om.setModname("OSProcess");
        om.setId("bad");
        item(om.initProperties(1)[0], "regex", "([unclosed");
        maps[1].initObject();
      },
      "regex");
  EXPECT_TRUE(f_.store->changesSince(cursor).changes.empty());
}

ZENHUB_INSTANTIATE_FOR_BACKEND(ModelerServiceTest);

}  // namespace
}  // namespace zenhub::services
