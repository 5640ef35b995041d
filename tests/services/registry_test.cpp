// The registry: built-in names, unknown services and options refused with typed errors.
#include <gtest/gtest.h>

#include "service_fixture.h"

namespace zenhub::services {
namespace {

using testing::ServiceFixture;

TEST(ServiceRegistryTest, ListsTheBuiltInServices) {
  ServiceRegistry registry;
  std::vector<std::string> expected = {"CommandConfig", "EventService",  "ModelerService",
                                       "PingConfig",    "ProcessConfig", "SnmpConfig",
                                       "StatusConfig"};
  EXPECT_EQ(registry.names(), expected);
  ASSERT_TRUE(registry.interfaceOf("SnmpConfig"));
  EXPECT_EQ(registry.interfaceOf("SnmpConfig")->getProto().getId(),
            capnp::typeId<schema::SnmpConfig>());
  EXPECT_FALSE(registry.interfaceOf("NoSuchService"));
}

TEST(ServiceRegistryTest, UnknownServiceIsATypedErrorNamingIt) {
  ServiceFixture f;
  try {
    f.registry.make("NoSuchService", ServiceContext{*f.store, "localhost", {}, nullptr});
    FAIL() << "made an unknown service";
  } catch (const kj::Exception& e) {
    std::string d = e.getDescription().cStr();
    EXPECT_NE(d.find("zenhub.unknownService: "), std::string::npos) << d;
    EXPECT_NE(d.find("NoSuchService"), std::string::npos) << d;
  }
}

TEST(ServiceRegistryTest, UnknownOptionIsRefusedByEveryService) {
  ServiceFixture f;
  for (const auto& name : f.registry.names()) {
    try {
      f.registry.make(
          name, ServiceContext{*f.store, "localhost", {{"password", "secret"}}, f.events.get()});
      ADD_FAILURE() << name << " accepted an unknown option";
    } catch (const kj::Exception& e) {
      std::string d = e.getDescription().cStr();
      EXPECT_NE(d.find("zenhub.badOption: "), std::string::npos) << name << ": " << d;
      EXPECT_NE(d.find("'password'"), std::string::npos) << d;
    }
  }
}

TEST(ServiceRegistryTest, EventServiceNeedsAnEventStore) {
  ServiceFixture f;
  try {
    f.registry.make("EventService", ServiceContext{*f.store, "localhost", {}, nullptr});
    FAIL();
  } catch (const kj::Exception& e) {
    EXPECT_NE(std::string(e.getDescription().cStr()).find("zenhub.unavailable"), std::string::npos);
  }
}

TEST(ServiceRegistryTest, UnknownMonitorIsATypedErrorAtCallTime) {
  ServiceFixture f;
  auto ping = f.service<schema::PingConfig>("PingConfig", "nowhere");
  try {
    ping.getDeviceNamesRequest().send().wait(f.waitScope);
    FAIL();
  } catch (const kj::Exception& e) {
    std::string d = e.getDescription().cStr();
    EXPECT_NE(d.find("zenhub.unknownMonitor: Unknown performance monitor: 'nowhere'"),
              std::string::npos)
        << d;
  }
}

TEST(ServiceRegistryTest, AServiceNameCannotBeRegisteredTwice) {
  ServiceRegistry registry;
  EXPECT_THROW(registry.add("PingConfig", capnp::Schema::from<schema::PingConfig>(),
                            [](ServiceContext&) -> capnp::Capability::Client { return nullptr; }),
               std::runtime_error);
}

}  // namespace
}  // namespace zenhub::services
