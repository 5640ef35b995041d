// What a valid property is, per class: shared by the YAML loader and `zenhubctl model set`, so
// that nothing writes a value a service would choke on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zenhub/model.h"

namespace zenhub::store {

// The problem with property `key` = `value` on an object of `className`; empty when fine.
// zProperties are allowed on device classes and devices only, with their known types.
std::string checkProperty(std::string_view className, std::string_view key, const model::Value& value);

// The properties an object of `className` must have but lacks (or that contradict each other).
std::vector<std::string> checkRequired(std::string_view className, const model::Properties& properties);

// The problem with `id` as the name of an object of `className` (empty, '/', reserved names).
std::string checkId(std::string_view id, std::string_view className);

bool isIpAddress(std::string_view text);

}  // namespace zenhub::store
