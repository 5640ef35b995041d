// SnmpConfig: per device, what its SNMP collector polls (ZenHub's SnmpPerformanceConfig).
//   connection  from the resolved zSnmp* properties (v1/v2c: community; v3: zSnmpSecurityName,
//               zSnmpAuthType/Password, zSnmpPrivType/Password, zSnmpContext)
//   oids        the OID of every enabled SNMP datasource of the templates bound to the device and
//               to its monitored components (a component's OID gets its snmpindex, or an
//               interface's ifindex, appended), each with its datapoints; OIDs are written with a
//               leading '.', as collectors expect
//   cycle       zSnmpCollectionInterval, else the collector's snmpCycleInterval, else 300
//   thresholds  those of the bound templates that watch SNMP datapoints, per component
//   configs     one per distinct address: the device's, and `<device>_<ip>` for components that
//               carry their own `manageIp`
//   excluded    zSnmpMonitorIgnore, no manage IP
#pragma once

#include "services/config_service.h"

namespace zenhub::services {

capnp::Capability::Client makeSnmpConfig(ServiceContext& context);

}  // namespace zenhub::services
