#include "ctl/service_schemas.h"

#include "hub.capnp.h"
#include "services.capnp.h"

namespace zenhub::ctl {

namespace {
template <typename Interface, typename Config>
ServiceSchema configService() {
  return {capnp::Schema::from<Interface>(), capnp::Schema::from<Config>()};
}
}  // namespace

std::optional<ServiceSchema> findServiceSchema(const std::string& name) {
  if (name == "Hub") return ServiceSchema{capnp::Schema::from<schema::Hub>(), std::nullopt};
  if (name == "PingConfig") return configService<schema::PingConfig, schema::PingDeviceConfig>();
  if (name == "SnmpConfig") return configService<schema::SnmpConfig, schema::SnmpDeviceConfig>();
  if (name == "CommandConfig") return configService<schema::CommandConfig, schema::CommandDeviceConfig>();
  if (name == "ProcessConfig") return configService<schema::ProcessConfig, schema::ProcessDeviceConfig>();
  if (name == "StatusConfig") return configService<schema::StatusConfig, schema::StatusDeviceConfig>();
  if (name == "EventService") return ServiceSchema{capnp::Schema::from<schema::EventService>(), std::nullopt};
  if (name == "ModelerService") return ServiceSchema{capnp::Schema::from<schema::ModelerService>(), std::nullopt};
  return std::nullopt;
}

std::vector<std::string> knownServiceNames() {
  return {"Hub", "PingConfig", "SnmpConfig", "CommandConfig", "ProcessConfig", "StatusConfig", "EventService",
          "ModelerService"};
}

}  // namespace zenhub::ctl
