// ModelerService: what the modeler collector (zenmodeler) needs, and where its results go.
//   getDeviceListByMonitor(monitor)  ids of the devices the collector monitors ("" = this
//                                    instance's monitor)
//   getClassCollectorPlugins()       per device class that sets zCollectorPlugins itself: the
//                                    class ("/Server/Linux", "/" for /Devices) and its plugins
//   getDeviceConfig(names, checkStatus)
//                                    per device (named; none = every device of the monitor): id,
//                                    manage IP, class, the modeler plugins (resolved
//                                    zCollectorPlugins) and every resolved zProperty; with
//                                    checkStatus, devices below their zProdStateThreshold are
//                                    left out
//   applyDataMaps(device, maps)      writes the maps in one transaction (datamap_apply.h), so
//                                    modeling feeds the change feed; changed=false when nothing
//                                    differs (nothing is written then)
//   singleApplyDataMaps              the same (the hub gives it a higher priority)
#pragma once

#include "zenhub/service_plugin.h"

namespace zenhub::services {

capnp::Capability::Client makeModelerService(ServiceContext& context);

}  // namespace zenhub::services
