#include "services/builtin_services.h"

#include "services.capnp.h"
#include "services/command_config.h"
#include "services/event_service.h"
#include "services/modeler_service.h"
#include "services/ping_config.h"
#include "services/process_config.h"
#include "services/registry.h"
#include "services/snmp_config.h"
#include "services/status_config.h"

namespace zenhub::services {

void addBuiltinServices(ServiceRegistry& registry) {
  registry.add("EventService", capnp::Schema::from<schema::EventService>(), makeEventService);
  registry.add("PingConfig", capnp::Schema::from<schema::PingConfig>(), makePingConfig);
  registry.add("SnmpConfig", capnp::Schema::from<schema::SnmpConfig>(), makeSnmpConfig);
  registry.add("CommandConfig", capnp::Schema::from<schema::CommandConfig>(), makeCommandConfig);
  registry.add("ProcessConfig", capnp::Schema::from<schema::ProcessConfig>(), makeProcessConfig);
  registry.add("StatusConfig", capnp::Schema::from<schema::StatusConfig>(), makeStatusConfig);
  registry.add("ModelerService", capnp::Schema::from<schema::ModelerService>(), makeModelerService);
}

}  // namespace zenhub::services
