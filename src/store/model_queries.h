// Questions services ask of a snapshot: zProperty acquisition and template binding.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace zenhub::store {

// The object and its ancestors, nearest first, up to its root (/Devices for the device tree).
std::vector<Object> ancestry(ReadTransaction& txn, const Object& object);

// zProperty `name` of a device (or class, or component: it acquires from its device) by
// acquisition: the object, its class, each parent class up to /Devices, then the built-in
// default (model::zPropertyDefaults). nullopt when nothing sets it.
std::optional<model::Value> zProperty(ReadTransaction& txn, const Object& object, std::string_view name);

// The template called `name` as seen from a device or component: the device's own (local)
// templates first, then those of its class and each parent class up to /Devices.
std::optional<Object> findTemplate(ReadTransaction& txn, const Object& object, std::string_view name);

// The templates an object binds: a device those named by its zDeviceTemplates, a component the
// one named by its type (model::componentTemplateName). Names that resolve to nothing are skipped.
std::vector<Object> boundTemplates(ReadTransaction& txn, const Object& object);

}  // namespace zenhub::store
