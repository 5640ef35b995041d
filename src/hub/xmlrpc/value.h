// The XML-RPC value model: what a request's params decode to and what a method answers with.
// One type per XML-RPC type (nil being the common extension every standard client reads); a
// struct keeps its members in order, each name once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace zenhub::hub::xmlrpc {

struct Member;
class Value;
using Array = std::vector<Value>;
using Struct = std::vector<Member>;

class Value {
 public:
  // In the order of the variant's alternatives.
  enum class Kind { kNil, kBoolean, kInt, kDouble, kString, kDateTime, kBase64, kArray, kStruct };

  Value() = default;  // nil
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value real(double d);
  static Value string(std::string s);
  // `iso8601` as sent ("20260125T01:02:03"); not interpreted.
  static Value dateTime(std::string iso8601);
  // Raw bytes (encoded as base64 on the wire).
  static Value base64(std::string bytes);
  static Value array(Array items);
  static Value structure(Struct members);

  Kind kind() const { return static_cast<Kind>(storage_.index()); }
  bool isNil() const { return kind() == Kind::kNil; }

  // Each accessor asserts the kind (std::logic_error otherwise: a bug in the caller, which
  // checks kind() first).
  bool asBool() const;
  int64_t asInt() const;
  double asDouble() const;
  // The text of a string or dateTime, the bytes of a base64.
  const std::string& asText() const;
  const Array& asArray() const;
  const Struct& asStruct() const;
  Array& asArray();
  Struct& asStruct();

  // A struct member by name, or nullptr (also when this is not a struct).
  const Value* member(std::string_view name) const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  struct Text {
    std::string text;
    friend bool operator==(const Text&, const Text&) = default;
  };
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, Text, Text, Text, Array, Struct>;
  explicit Value(Storage s);

  Storage storage_;
};

struct Member {
  std::string name;
  Value value;
  friend bool operator==(const Member&, const Member&) = default;
};

// Defined once Member is complete (the variant's struct alternative needs it).
inline Value::Value(Storage s) : storage_(std::move(s)) {}
inline Value Value::boolean(bool b) {
  return Value(Storage(std::in_place_index<1>, b));
}
inline Value Value::integer(int64_t i) {
  return Value(Storage(std::in_place_index<2>, i));
}
inline Value Value::real(double d) {
  return Value(Storage(std::in_place_index<3>, d));
}
inline Value Value::string(std::string s) {
  return Value(Storage(std::in_place_index<4>, Text{std::move(s)}));
}
inline Value Value::dateTime(std::string iso8601) {
  return Value(Storage(std::in_place_index<5>, Text{std::move(iso8601)}));
}
inline Value Value::base64(std::string bytes) {
  return Value(Storage(std::in_place_index<6>, Text{std::move(bytes)}));
}
inline Value Value::array(Array items) {
  return Value(Storage(std::in_place_index<7>, std::move(items)));
}
inline Value Value::structure(Struct members) {
  return Value(Storage(std::in_place_index<8>, std::move(members)));
}

// "nil", "boolean", "int", "double", "string", "dateTime.iso8601", "base64", "array", "struct".
std::string_view kindName(Value::Kind kind);

// Sets member `name` of struct `members` (replacing an earlier one of that name).
void setMember(Struct& members, std::string name, Value value);

}  // namespace zenhub::hub::xmlrpc
