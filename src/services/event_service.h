// EventService: events from collectors (sendEvent, sendEvents) into the event store, with
// de-duplication and clearing (store/event_store.h), and the open ping-down issues.
//
// Batching: sendEvents stores its whole list in one transaction. Single sendEvent calls are
// queued and stored together once the worker's event loop has nothing else to do (kj::evalLast),
// so a burst of calls that arrive together costs one transaction; each call completes when its
// batch is stored. A batch is stored at once when it reaches kMaxBatch events.
#pragma once

#include "zenhub/service_plugin.h"

namespace zenhub::services {

// Throws zenhub.unavailable when the context has no event store, zenhub.badOption for options
// (EventService takes none).
capnp::Capability::Client makeEventService(ServiceContext& context);

}  // namespace zenhub::services
