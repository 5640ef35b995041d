// PingConfig: per device, the IP addresses its collector pings (ZenHub's PingPerformanceConfig).
//   monitored IPs  the manage IP, then every other address of its monitored interfaces, skipping
//                  loopback and wildcard addresses; each with its interface, the collector's
//                  pingCycleInterval (60), tries (zPingTries, else the collector's pingTries, 2),
//                  sample size (zPingSampleSize, 1), and the datapoints and thresholds of PING
//                  datasources of the templates bound to the device (for the manage IP) or the
//                  interface.
//   connected IPs  every address of the device, for topology.
//   excluded       zPingMonitorIgnore, no manage IP.
#pragma once

#include "services/config_service.h"

namespace zenhub::services {

capnp::Capability::Client makePingConfig(ServiceContext& context);

}  // namespace zenhub::services
