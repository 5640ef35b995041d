// Plugin services: the sample plugin (src/services/sample_plugin) loads and answers like a
// built-in; bad plugins are refused with a message naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "inventory.capnp.h"
#include "service_fixture.h"

namespace zenhub::services {
namespace {

namespace fs = std::filesystem;
using testing::ServiceFixture;

TEST(PluginTest, TheSamplePluginLoadsAndAnswers) {
  ServiceFixture f;
  f.registry.loadPlugins(ZENHUB_PLUGIN_DIR);
  auto names = f.registry.names();
  ASSERT_NE(std::find(names.begin(), names.end(), "SampleInventory"), names.end());
  EXPECT_EQ(f.registry.interfaceOf("SampleInventory")->getProto().getId(),
            capnp::typeId<sample::Inventory>());

  auto inventory = f.service<sample::Inventory>("SampleInventory");
  auto count = inventory.countRequest().send().wait(f.waitScope);
  EXPECT_EQ(std::string(count.getMonitor()), "localhost");
  EXPECT_EQ(count.getDevices(), 9u);

  auto request = inventory.listRequest();
  request.setPrefix("web");
  auto reply = request.send().wait(f.waitScope);  // owns what readers point to
  auto devices = reply.getDevices();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(std::string(devices[0].getId()), "web01");
  EXPECT_EQ(std::string(devices[0].getTitle()), "web01.example.com");
  EXPECT_EQ(std::string(devices[0].getManageIp()), "10.1.0.11");
  EXPECT_EQ(std::string(devices[0].getDeviceClass()), "/Server/Linux");

  // Like a built-in, it refuses options it does not declare.
  EXPECT_THROW(f.service<sample::Inventory>("SampleInventory", "localhost", {{"x", "y"}}),
               kj::Exception);
}

TEST(PluginTest, ThePluginCanBeCalledTypelesslyLikeTheWorkerDoes) {
  ServiceFixture f;
  f.registry.loadPlugins(ZENHUB_PLUGIN_DIR);
  auto cap = f.registry.make("SampleInventory", ServiceContext{*f.store, "remote1", {}, nullptr});
  auto schema = *f.registry.interfaceOf("SampleInventory");
  auto method = schema.getMethodByName("count");
  auto request = cap.typelessRequest(schema.getProto().getId(), method.getOrdinal(), nullptr);
  request.initAsAnyStruct(0, 0);
  auto response = request.send().wait(f.waitScope);
  auto results = response.getAs<sample::Inventory::CountResults>();
  EXPECT_EQ(std::string(results.getMonitor()), "remote1");
  EXPECT_EQ(results.getDevices(), 4u);
}

class BadPluginTest : public ::testing::Test {
 protected:
  std::string loadError(const std::function<void(const fs::path&)>& prepare) {
    fs::path dir = fs::path(f_.test.dir()) / "plugins";
    fs::create_directories(dir);
    prepare(dir);
    try {
      f_.registry.loadPlugins(dir.string());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "loaded";
  }
  ServiceFixture f_;
};

TEST_F(BadPluginTest, NotASharedLibrary) {
  auto error = loadError(
      [](const fs::path& dir) { std::ofstream(dir / "garbage.so") << "not an ELF file"; });
  EXPECT_NE(error.find("cannot load service plugin"), std::string::npos) << error;
  EXPECT_NE(error.find("garbage.so"), std::string::npos) << error;
}

TEST_F(BadPluginTest, MissingDirectory) {
  EXPECT_THROW(f_.registry.loadPlugins(f_.test.dir() + "/no-such-dir"), std::runtime_error);
}

TEST_F(BadPluginTest, AServiceNameCannotBeTakenTwice) {
  auto error = loadError([](const fs::path& dir) {
    fs::copy_file(fs::path(ZENHUB_PLUGIN_DIR) / "libzenhub_sample_plugin.so", dir / "a.so");
    fs::copy_file(fs::path(ZENHUB_PLUGIN_DIR) / "libzenhub_sample_plugin.so", dir / "b.so");
  });
  // a.so registers SampleInventory; b.so (the same plugin again) cannot take the name.
  EXPECT_NE(error.find("b.so"), std::string::npos) << error;
  EXPECT_NE(error.find("already taken"), std::string::npos) << error;
  auto names = f_.registry.names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "SampleInventory"), 1);
}

}  // namespace
}  // namespace zenhub::services
