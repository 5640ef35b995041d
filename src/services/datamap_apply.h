// Applying modeling results (DataMaps) to the model, in one write transaction, writing only what
// differs so that an identical second application changes nothing (and feeds nothing to the
// change feed).
//   ObjectMap        sets the listed properties of the device (compname "") or of the component
//                    at compname ("os/interfaces/eth0"), creating the component (class modname)
//                    when missing; a property whose value is `none` is removed.
//   RelationshipMap  the whole content of one of the device's relationships (relname:
//                    interfaces, filesystems, processes, ipservices): listed objects are created
//                    or updated, the relationship's other members removed.
#pragma once

#include <string>

#include "services.capnp.h"
#include "services/model_snapshot.h"
#include "store/store.h"

namespace zenhub::services {

// Applies `maps` to device `deviceId` in `txn` (the caller commits when it returns true).
// Returns whether anything changed. Throws zenhub.badRequest (kj::Exception) for an unknown
// device or a map the model refuses; the caller then drops the transaction. `paths` caches where
// devices are, across calls.
bool applyDataMaps(store::WriteTransaction& txn, const std::string& deviceId,
                   capnp::List<schema::DataMap>::Reader maps, DevicePaths& paths);

// The model value of a protocol value; nullopt for `none`.
std::optional<model::Value> fromSchemaValue(schema::Value::Reader value);

}  // namespace zenhub::services
