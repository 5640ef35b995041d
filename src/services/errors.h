// The typed errors services raise. Like the hub's (src/rpc/errors.h, which services do not link),
// a description starts with a stable code, "zenhub.<code>: <message>", that collectors match.
//   unknownService  no service of that name (ServiceRegistry::make)
//   unknownMonitor  the service's collector is not in the model
//   badOption       a per-listener option the service does not declare, or a bad value
//   badRequest      a call's arguments the model refuses (applyDataMaps on an unknown device, ...)
//   unavailable     the worker cannot run the service (EventService without an event store)
#pragma once

#include <kj/exception.h>

#include <string>

namespace zenhub::services {

kj::Exception serviceError(const char* code, const std::string& message);

}  // namespace zenhub::services
