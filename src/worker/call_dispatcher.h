// CallDispatcher: runs one forwarded ServiceCall on the typed service implementation. Keeps one
// capability per (service, monitor, options), as the hub keeps one service instance per
// (service, monitor): services may cache per instance.
//
// The call reaches the service's capability with the worker's own CallContextHook: the service
// reads its params where they arrived (in the hub's Worker.call message) and builds its results
// straight into the worker's Return, with no request message and no second copy of the results
// (a 60 MiB config set is held once, not twice).
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
  using Context = capnp::CallContext<schema::Worker::CallParams, schema::Worker::CallResults>;

  // `source` must outlive the dispatcher.
  explicit CallDispatcher(ServiceSource& source) : source_(source) {}

  // Runs `context`'s call on the service, whose results become `context`'s `results`. Resolves
  // when the service is done; rejects with the service's own error, or zenhub.unknownService /
  // zenhub.internal. `context` must stay alive until then (the RPC system keeps it while the
  // promise is pending).
  kj::Promise<void> dispatch(Context context);

  size_t cachedInstances() const { return instances_.size(); }

 private:
  capnp::Capability::Client& instance(schema::ServiceCall::Reader call);

  ServiceSource& source_;
  std::map<std::string, capnp::Capability::Client> instances_;
};

}  // namespace zenhub::worker
