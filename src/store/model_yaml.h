// The model's YAML form (docs/model.md has the format): parsing it into ObjectSpecs for a bulk
// upsert, and writing a model back out in the same form (`zenhubctl model export`), so that
// export then load round-trips.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace YAML {
class Node;
}

namespace zenhub::store {

// Parses a model file. On any problem throws ModelError listing every problem found, each as
// "<sourceName>:<line>:<column>: <message>". Specs come parents first.
std::vector<ObjectSpec> parseModelYaml(const std::string& text, const std::string& sourceName);

// Writes the objects (a whole model, any order) in the form parseModelYaml reads.
std::string emitModelYaml(const std::vector<Object>& objects);

// A property value from a YAML node: plain scalars are typed by their look (true/false, integers,
// decimals), quoted scalars are strings, a sequence of scalars is a list. Empty string when fine,
// else the problem.
std::string valueFromYaml(const YAML::Node& node, model::Value& out);

}  // namespace zenhub::store
