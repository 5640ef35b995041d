// The generated model of the SNMP config measurements (services, scale): the generator's model
// with extra SNMP datasources on the Linux templates, so that a device has about 20 datapoints,
// as the design's "10,000 SNMP devices in 2 s" target assumes.
#pragma once

#include <cstdint>
#include <vector>

#include "store/store.h"

namespace zenhub::bench {

// `devices` devices spread round-robin over `collectors` collectors ("localhost" first). 80% of
// generated devices are SNMP-monitored (the /Ping class is not).
std::vector<store::ObjectSpec> snmpBenchModel(std::int64_t devices, std::int64_t collectors = 1);

}  // namespace zenhub::bench
