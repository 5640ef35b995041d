// Turns the change feed into a Plan (plan.h): filters, then transforms, then routing to
// collectors, keeping the DeviceIndex current. Runs on the invalidation thread with a snapshot
// of the model taken after the changes were read.
//
// Transforms (DESIGN.md section 8):
// - a device: an update for its collector; when its collector changed (or it went), a delete
//   for the previous one;
// - anything inside a device (a component, a local template and what it holds): its device;
// - a device class, or a template / datasource / datapoint / threshold of a class: every device
//   at or below that class;
// - a threshold anywhere: also the threshold classes of the collectors concerned;
// - a collector object: setPropertyItems for it, and every device it monitors (their configs
//   carry its cycle intervals).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "hub/invalidation/device_index.h"
#include "hub/invalidation/filters.h"
#include "hub/invalidation/plan.h"
#include "store/store.h"

namespace zenhub::hub::invalidation {

// Reads an object from the snapshot; nullopt when it is gone (a deletion, as in ZenHub).
using ObjectReader = std::function<std::optional<model::Object>(model::Oid)>;

// Fills `index` from a snapshot; returns the cursor to read the feed from.
store::Cursor buildIndex(store::ReadTransaction& snapshot, DeviceIndex& index);

Plan planChanges(const std::vector<store::Change>& changes, const ObjectReader& read, DeviceIndex& index,
                 const FilterChain& filters);

// The class (or device) path that owns a template-tree path: "/Devices/Server" for
// "/Devices/Server/rrdTemplates/Linux/datasources/x"; nullopt outside any template.
std::optional<std::string_view> templateOwner(std::string_view path);

}  // namespace zenhub::hub::invalidation
