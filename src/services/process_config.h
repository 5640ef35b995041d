// ProcessConfig: per device, the OS processes its process collector watches (ZenHub's
// ProcessConfig).
//   processes   every monitored OSProcess component: id, name (procName, else the id), match
//               regex, ignoreParameters (default false), and the datapoints and thresholds of the
//               template bound to it
//   connection  SNMP (the process table is read over SNMP), as SnmpConfig
//   cycle       the collector's processCycleInterval (default 180)
//   excluded    devices without SNMP monitoring (zSnmpMonitorIgnore, no manage IP) and devices
//               with no monitored process
#pragma once

#include "services/config_service.h"

namespace zenhub::services {

capnp::Capability::Client makeProcessConfig(ServiceContext& context);

}  // namespace zenhub::services
