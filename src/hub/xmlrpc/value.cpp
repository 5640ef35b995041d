#include "hub/xmlrpc/value.h"

#include <stdexcept>

namespace zenhub::hub::xmlrpc {

namespace {
[[noreturn]] void wrongKind(Value::Kind have, std::string_view want) {
  throw std::logic_error("xmlrpc::Value: asked for " + std::string(want) + " of a " +
                         std::string(kindName(have)));
}
}  // namespace

bool Value::asBool() const {
  if (kind() != Kind::kBoolean) wrongKind(kind(), "boolean");
  return std::get<1>(storage_);
}

int64_t Value::asInt() const {
  if (kind() != Kind::kInt) wrongKind(kind(), "int");
  return std::get<2>(storage_);
}

double Value::asDouble() const {
  if (kind() != Kind::kDouble) wrongKind(kind(), "double");
  return std::get<3>(storage_);
}

const std::string& Value::asText() const {
  switch (kind()) {
    case Kind::kString:
      return std::get<4>(storage_).text;
    case Kind::kDateTime:
      return std::get<5>(storage_).text;
    case Kind::kBase64:
      return std::get<6>(storage_).text;
    default:
      wrongKind(kind(), "text");
  }
}

const Array& Value::asArray() const {
  if (kind() != Kind::kArray) wrongKind(kind(), "array");
  return std::get<7>(storage_);
}

Array& Value::asArray() {
  if (kind() != Kind::kArray) wrongKind(kind(), "array");
  return std::get<7>(storage_);
}

const Struct& Value::asStruct() const {
  if (kind() != Kind::kStruct) wrongKind(kind(), "struct");
  return std::get<8>(storage_);
}

Struct& Value::asStruct() {
  if (kind() != Kind::kStruct) wrongKind(kind(), "struct");
  return std::get<8>(storage_);
}

const Value* Value::member(std::string_view name) const {
  if (kind() != Kind::kStruct) return nullptr;
  for (const auto& m : std::get<8>(storage_)) {
    if (m.name == name) return &m.value;
  }
  return nullptr;
}

bool operator==(const Value& a, const Value& b) {
  return a.storage_ == b.storage_;
}

std::string_view kindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNil:
      return "nil";
    case Value::Kind::kBoolean:
      return "boolean";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kDouble:
      return "double";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kDateTime:
      return "dateTime.iso8601";
    case Value::Kind::kBase64:
      return "base64";
    case Value::Kind::kArray:
      return "array";
    case Value::Kind::kStruct:
      return "struct";
  }
  return "?";
}

void setMember(Struct& members, std::string name, Value value) {
  for (auto& m : members) {
    if (m.name == name) {
      m.value = std::move(value);
      return;
    }
  }
  members.push_back(Member{std::move(name), std::move(value)});
}

}  // namespace zenhub::hub::xmlrpc
