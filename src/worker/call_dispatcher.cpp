#include "worker/call_dispatcher.h"

#include <kj/debug.h>

#include <exception>

#include "rpc/errors.h"

namespace zenhub::worker {

capnp::Capability::Client& CallDispatcher::instance(schema::ServiceCall::Reader call) {
  std::string service = call.getService();
  std::string monitor = call.getMonitor();
  ServiceOptions options;
  // The key separates fields with NUL, which names and option values cannot contain.
  std::string key = service + '\0' + monitor;
  for (auto option : call.getOptions()) {
    options.emplace_back(option.getKey(), option.getValue());
    key += '\0' + options.back().first + '\0' + options.back().second;
  }
  auto found = instances_.find(key);
  if (found != instances_.end()) return found->second;
  try {
    return instances_.emplace(key, source_.make(service, monitor, options)).first->second;
  } catch (const kj::Exception&) {
    throw;  // the source's own typed error (unknown service, ...)
  } catch (const std::exception& e) {
    kj::throwFatalException(rpc::makeError(rpc::ErrorCode::kInternal,
                                           "creating " + service + " for " + monitor + ": " + e.what()));
  }
}

kj::Promise<capnp::Response<capnp::AnyPointer>> CallDispatcher::dispatch(schema::ServiceCall::Reader call) {
  auto& cap = instance(call);
  auto params = call.getParams();
  // Sized to the params: without a hint every request gets an 8 KiB first segment.
  auto request = cap.typelessRequest(call.getInterfaceId(), call.getMethodId(), params.targetSize());
  request.set(params);
  return request.send();
}

}  // namespace zenhub::worker
