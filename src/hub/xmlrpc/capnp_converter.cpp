#include "hub/xmlrpc/capnp_converter.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace zenhub::hub::xmlrpc {

namespace {

// Whether a field of this type has an XML-RPC form at all.
bool representable(capnp::Type type) {
  switch (type.which()) {
    case capnp::schema::Type::INTERFACE:
    case capnp::schema::Type::ANY_POINTER:
      return false;
    default:
      return true;
  }
}

std::optional<Value> fieldValue(capnp::DynamicStruct::Reader reader,
                                capnp::StructSchema::Field field) {
  if (!representable(field.getType())) return std::nullopt;
  return fromCapnp(reader.get(field));
}

}  // namespace

Value fromCapnp(capnp::DynamicStruct::Reader reader) {
  auto schema = reader.getSchema();
  auto active = reader.which();
  // Nothing but an unnamed union: the active member's value stands for the struct. (A named
  // union is a group of nothing but a union: it stays a struct naming its active member.)
  bool group = schema.getProto().getStruct().getIsGroup();
  if (!group && schema.getNonUnionFields().size() == 0 && schema.getUnionFields().size() > 0) {
    KJ_IF_MAYBE (field, active) {
      if (field->getType().isVoid()) return Value();
      if (auto v = fieldValue(reader, *field)) return std::move(*v);
    }
    return Value();
  }
  Struct members;
  for (auto field : schema.getNonUnionFields()) {
    if (field.getType().isVoid()) continue;
    if (auto v = fieldValue(reader, field))
      members.push_back(Member{field.getProto().getName(), std::move(*v)});
  }
  KJ_IF_MAYBE (field, active) {
    if (field->getType().isVoid()) {
      members.push_back(Member{field->getProto().getName(), Value()});
    } else if (auto v = fieldValue(reader, *field)) {
      members.push_back(Member{field->getProto().getName(), std::move(*v)});
    }
  }
  return Value::structure(std::move(members));
}

Value fromCapnp(const capnp::DynamicValue::Reader& value) {
  switch (value.getType()) {
    case capnp::DynamicValue::UNKNOWN:
    case capnp::DynamicValue::VOID:
    case capnp::DynamicValue::CAPABILITY:
    case capnp::DynamicValue::ANY_POINTER:
      return Value();
    case capnp::DynamicValue::BOOL:
      return Value::boolean(value.as<bool>());
    case capnp::DynamicValue::INT:
      return Value::integer(value.as<int64_t>());
    case capnp::DynamicValue::UINT: {
      uint64_t n = value.as<uint64_t>();
      if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return Value::real(static_cast<double>(n));
      return Value::integer(static_cast<int64_t>(n));
    }
    case capnp::DynamicValue::FLOAT:
      return Value::real(value.as<double>());
    case capnp::DynamicValue::TEXT: {
      auto text = value.as<capnp::Text>();
      return Value::string(std::string(text.cStr(), text.size()));
    }
    case capnp::DynamicValue::DATA: {
      auto data = value.as<capnp::Data>();
      return Value::base64(std::string(reinterpret_cast<const char*>(data.begin()), data.size()));
    }
    case capnp::DynamicValue::LIST: {
      auto list = value.as<capnp::DynamicList>();
      Array items;
      items.reserve(list.size());
      for (auto item : list) items.push_back(fromCapnp(item));
      return Value::array(std::move(items));
    }
    case capnp::DynamicValue::ENUM: {
      auto e = value.as<capnp::DynamicEnum>();
      KJ_IF_MAYBE (enumerant, e.getEnumerant()) {
        return Value::string(enumerant->getProto().getName());
      }
      return Value::integer(e.getRaw());  // a value newer than our schema
    }
    case capnp::DynamicValue::STRUCT:
      return fromCapnp(value.as<capnp::DynamicStruct>());
  }
  return Value();
}

}  // namespace zenhub::hub::xmlrpc
