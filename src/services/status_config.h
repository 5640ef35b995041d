// StatusConfig: per device, the TCP/UDP services its status collector checks (ZenHub's
// StatusConfig for zenstatus).
//   checks    every monitored IpService component: the address to connect to (its first
//             listening address, or the manage IP when it listens on a wildcard or nothing),
//             port, protocol, send string (sendString), expect regex (expectRegex), timeout
//             (zStatusConnectTimeout, default 10 s), fail severity (failSeverity, else
//             zFailSeverity, default 5)
//   cycle     the collector's statusCycleInterval (default 60)
//   excluded  no manage IP; devices with no monitored IP service
#pragma once

#include "services/config_service.h"

namespace zenhub::services {

capnp::Capability::Client makeStatusConfig(ServiceContext& context);

}  // namespace zenhub::services
