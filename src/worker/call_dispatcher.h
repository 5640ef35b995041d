// CallDispatcher: runs one forwarded ServiceCall on the typed service implementation. Keeps one
// capability per (service, monitor, options), as the hub keeps one service instance per
// (service, monitor): services may cache per instance.
#pragma once

#include <capnp/any.h>
#include <capnp/capability.h>
#include <kj/async.h>

#include <map>
#include <string>

#include "worker.capnp.h"
#include "worker/service_source.h"

namespace zenhub::worker {

class CallDispatcher {
 public:
  // `source` must outlive the dispatcher.
  explicit CallDispatcher(ServiceSource& source) : source_(source) {}

  // Sends the call to the service; resolves to its results. Rejects with the service's own
  // error, or zenhub.unknownService / zenhub.internal.
  kj::Promise<capnp::Response<capnp::AnyPointer>> dispatch(schema::ServiceCall::Reader call);

  size_t cachedInstances() const { return instances_.size(); }

 private:
  capnp::Capability::Client& instance(schema::ServiceCall::Reader call);

  ServiceSource& source_;
  std::map<std::string, capnp::Capability::Client> instances_;
};

}  // namespace zenhub::worker
