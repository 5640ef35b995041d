// JSON encoding of property maps: how properties are stored (one column per object) and how
// `zenhubctl model --json` prints them. Only the subset the model needs: an object whose values
// are booleans, integers, floating-point numbers (always written with a '.' or an exponent, so
// they read back as doubles), strings and arrays of strings. Encoding is canonical (keys sorted),
// so equal maps encode to equal strings and the loader can compare encodings.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "zenhub/model.h"

namespace zenhub::store {

struct JsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string encodeProperties(const model::Properties& properties);
// Throws JsonError on anything outside the subset.
model::Properties decodeProperties(std::string_view json);

std::string encodeValue(const model::Value& value);
// A JSON string literal, quoted and escaped.
std::string jsonString(std::string_view s);

}  // namespace zenhub::store
