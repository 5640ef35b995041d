// Method names of the service interfaces, by (interface id, method ordinal), read from the
// compiled schemas: the hub names forwarded calls (routes, priorities, stats) without decoding
// them and without any per-service code. Plugin interfaces it does not know are named
// "method#<ordinal>".
#pragma once

#include <cstdint>
#include <string>

namespace zenhub::hub {

std::string methodName(uint64_t interfaceId, uint16_t methodId);

}  // namespace zenhub::hub
