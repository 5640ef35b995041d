// CommandConfig: per device, the commands its command collector runs (ZenHub's
// CommandPerformanceConfig).
//   datasources  every enabled COMMAND datasource of the templates bound to the device and to
//                its monitored components: the command line after ${dev/...} / ${here/...}
//                substitution (command_template.h), cycle time (cycletime, default 300), parser
//                (default "Auto"), datapoints, and the template's thresholds on them
//   connection   user (zCommandUsername), port (zCommandPort), key path (zKeyPath), command
//                timeout (zCommandCommandTimeout)
//   excluded     devices with no command datasource
// A datasource whose command cannot be substituted, or whose cycle time is not a positive
// number, is reported as an event (/Cmd/Fail); a bad command is left out, a bad cycle time
// falls back to 300 s.
#pragma once

#include "services/config_service.h"

namespace zenhub::services {

capnp::Capability::Client makeCommandConfig(ServiceContext& context);

}  // namespace zenhub::services
