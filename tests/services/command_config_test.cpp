// CommandConfig: command datasources after ${dev/...} / ${here/...} substitution, zCommand*
// connection settings, and problems reported as events rather than failing the call.
#include <gtest/gtest.h>

#include <set>

#include <map>

#include "service_fixture.h"
#include "services/command_template.h"

namespace zenhub::services {
namespace {

using testing::configOf;
using testing::deviceIds;
using testing::getConfigs;
using testing::ServiceFixture;

class CommandConfigTest : public ::testing::Test {
 protected:
  // "component/template/datasource" -> command
  std::map<std::string, std::string> commands(schema::CommandDeviceConfig::Reader c) {
    std::map<std::string, std::string> out;
    for (auto ds : c.getDataSources()) {
      out[std::string(ds.getComponent()) + "/" + std::string(ds.getTemplate()) + "/" +
          std::string(ds.getId())] = ds.getCommand();
    }
    return out;
  }

  ServiceFixture f_;
  // Held by pointer: a client's destructor may throw, which a fixture's cannot.
  std::unique_ptr<schema::CommandConfig::Client> client_ =
      std::make_unique<schema::CommandConfig::Client>(
          f_.service<schema::CommandConfig>("CommandConfig"));
  schema::CommandConfig::Client& command_ = *client_;
};

TEST_F(CommandConfigTest, OnlyDevicesWithCommandDatasources) {
  auto configs = getConfigs(command_, f_.waitScope);
  // Linux servers bind Linux (diskstats) and have processes and IP services; routers, switches,
  // ad01 and printer-3f have no COMMAND datasource.
  EXPECT_EQ(deviceIds(configs.getConfigs()),
            (std::vector<std::string>{"build01", "db01", "web01", "web02"}));
}

TEST_F(CommandConfigTest, SubstitutesDeviceAndComponentAttributes) {
  auto configs = getConfigs(command_, f_.waitScope, {"web01"});
  auto c = configs.getConfigs()[0].getConfig();
  EXPECT_EQ(std::string(c.getUser()), "zenmon");  // /Server/Linux
  EXPECT_EQ(c.getPort(), 22);
  EXPECT_EQ(c.getCommandTimeout(), 15.0);
  std::map<std::string, std::string> expected = {
      {"/Linux/diskstats", "cat /proc/diskstats"},
      {"nginx/OSProcess/cpu", "ps -o pcpu= -C nginx"},
      {"sshd/OSProcess/cpu", "ps -o pcpu= -C sshd"},
      {"tcp_00080/IpService/check", "check_tcp -H 10.1.0.11 -p 80"},
      {"tcp_00443/IpService/check", "check_tcp -H 10.1.0.11 -p 443"},
  };
  EXPECT_EQ(commands(c), expected);
  for (auto ds : c.getDataSources()) {
    if (ds.getId() != "diskstats") continue;
    EXPECT_EQ(ds.getCycleTime(), 600u);
    EXPECT_EQ(std::string(ds.getParser()), "Auto");
    ASSERT_EQ(ds.getDataPoints().size(), 2u);
    EXPECT_EQ(std::string(ds.getDataPoints()[0].getId()), "diskstats_readsCompleted");
  }
}

TEST_F(CommandConfigTest, ZCommandPropertiesAreAcquired) {
  f_.change([](store::WriteTransaction& txn) {
    txn.update("/Devices/Server", {{"zCommandPort", std::int64_t{2222}},
                                   {"zKeyPath", std::string("/etc/zenhub/key")}});
    txn.update("/Devices/Server/Linux/devices/db01",
               {{"zCommandUsername", std::string("postgres")}});
  });
  auto configs = getConfigs(command_, f_.waitScope, {"db01", "web02"});
  auto db01 = configOf(configs.getConfigs(), "db01").getConfig();
  EXPECT_EQ(std::string(db01.getUser()), "postgres");
  EXPECT_EQ(db01.getPort(), 2222);
  EXPECT_EQ(std::string(db01.getKeyPath()), "/etc/zenhub/key");
  EXPECT_EQ(std::string(configOf(configs.getConfigs(), "web02").getConfig().getUser()), "zenmon");
}

TEST_F(CommandConfigTest, AnUnresolvableCommandIsLeftOutAndReported) {
  f_.change([](store::WriteTransaction& txn) {
    std::string tmpl = "/Devices/Server/Linux/rrdTemplates/Linux";
    txn.put({tmpl,
             "RRDDataSource",
             "broken",
             {{"type", std::string("COMMAND")},
              {"commandTemplate", std::string("check ${dev/noSuchThing}")}},
             "",
             false});
  });
  auto configs = getConfigs(command_, f_.waitScope, {"web01"});
  auto c = configs.getConfigs()[0].getConfig();
  EXPECT_EQ(commands(c).count("/Linux/broken"), 0u);
  EXPECT_EQ(commands(c).size(), 5u);  // the rest is there
  store::EventQuery q;
  q.eventClass = "/Cmd/Fail";
  auto events = f_.events->list(q);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.device, "web01");
  EXPECT_NE(events[0].event.summary.find("noSuchThing"), std::string::npos)
      << events[0].event.summary;
  EXPECT_EQ(f_.events->transactions(), 1);  // one batch per call
}

TEST_F(CommandConfigTest, ABadCycleTimeFallsBackToTheDefaultAndRaisesAnEvent) {
  f_.change([](store::WriteTransaction& txn) {
    std::string tmpl = "/Devices/Server/Linux/rrdTemplates/Linux";
    txn.put({tmpl,
             "RRDDataSource",
             "zerocycle",
             {{"type", std::string("COMMAND")},
              {"commandTemplate", std::string("check_zero ${dev/id}")},
              {"cycletime", std::int64_t{0}}},
             "",
             false});
    txn.put({tmpl,
             "RRDDataSource",
             "textcycle",
             {{"type", std::string("COMMAND")},
              {"commandTemplate", std::string("check_text ${dev/id}")},
              {"cycletime", std::string("often")}},
             "",
             false});
  });
  auto configs = getConfigs(command_, f_.waitScope, {"web01"});
  auto c = configs.getConfigs()[0].getConfig();
  // Both stay in the config, at the default cycle: one bad field does not cost the datasource.
  int kept = 0;
  for (auto ds : c.getDataSources()) {
    if (ds.getId() == "zerocycle" || ds.getId() == "textcycle") {
      ++kept;
      EXPECT_EQ(ds.getCycleTime(), 300u) << std::string(ds.getId());
    }
  }
  EXPECT_EQ(kept, 2);
  store::EventQuery q;
  q.eventClass = "/Cmd/Fail";
  auto events = f_.events->list(q);
  ASSERT_EQ(events.size(), 2u);
  std::set<std::string> keys;
  for (const auto& e : events) {
    EXPECT_EQ(e.event.device, "web01");
    EXPECT_NE(e.event.summary.find("bad cycle time"), std::string::npos) << e.event.summary;
    keys.insert(e.event.eventKey);
  }
  EXPECT_EQ(keys, (std::set<std::string>{"Linux/zerocycle/cycletime", "Linux/textcycle/cycletime"}));
  EXPECT_EQ(f_.events->transactions(), 1);  // one batch per call
}

TEST(CommandTemplateTest, ResolvesIdsTitlesPropertiesAndZProperties) {
  ServiceFixture f;
  auto txn = f.store->read();
  ModelSnapshot model(*txn);
  DevicePaths paths;
  model.loadDevices({"web01"}, paths);
  model.loadComponents(model.devices());
  const Object& web01 = *model.device("web01");
  const Object* nginx = nullptr;
  for (const Object* c : model.components(web01)) {
    if (c->id == "nginx") nginx = c;
  }
  ASSERT_NE(nginx, nullptr);
  auto s = substituteCommand(
      "${dev/id} ${dev/title} ${dev/zCommandUsername} ${here/regex} ${here/manageIp}", model, web01,
      *nginx);
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.text, "web01 web01.example.com zenmon ^nginx: master process 10.1.0.11");
  EXPECT_NE(substituteCommand("${dev/id", model, web01, web01).error, "");
  EXPECT_NE(substituteCommand("${nope/id}", model, web01, web01).error, "");
  EXPECT_EQ(substituteCommand("no substitution", model, web01, web01).text, "no substitution");
}

}  // namespace
}  // namespace zenhub::services
