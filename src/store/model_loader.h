// Loading a whole model into a store (zenhubctl model load / generate): a bulk upsert plus the
// checks that need the store (a device's perfServer must be a collector, in the file or stored).
#pragma once

#include <vector>

#include "store/store.h"

namespace zenhub::store {

// Upserts `specs` in `txn` (the caller commits). Throws ModelError listing every problem; the
// caller then drops the transaction, so nothing changes.
UpsertStats loadModel(WriteTransaction& txn, const std::vector<ObjectSpec>& specs);

// Objects as they would be stored, for emitting specs as YAML without a store (generate --out):
// oids are made up, in order.
std::vector<Object> objectsFromSpecs(const std::vector<ObjectSpec>& specs);

}  // namespace zenhub::store
