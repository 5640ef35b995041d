#include "hub/xmlrpc/params.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>

#include "hub/xmlrpc/fault.h"

namespace zenhub::hub::xmlrpc {

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Fault(kInvalidParams, message);
}

std::string got(const Value& value) {
  return std::string(kindName(value.kind()));
}

// Without the spaces and tabs around it (a numeric string as "  42 ").
std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A number from an int, a double or a numeric string; nullopt otherwise.
std::optional<double> number(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kInt:
      return static_cast<double>(value.asInt());
    case Value::Kind::kDouble:
      return value.asDouble();
    case Value::Kind::kString: {
      auto text = trimBlanks(value.asText());
      double d = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
      return d;
    }
    default:
      return std::nullopt;
  }
}

void fillObjectMap(const Value& map, const std::string& compname, const std::string& modname,
                   schema::ObjectMap::Builder out, std::string_view what) {
  if (map.kind() != Value::Kind::kStruct)
    invalid(std::string(what) + ": expected a struct, got " + got(map));
  out.setCompname(compname);
  out.setModname(modname);
  std::string id = compname.substr(compname.rfind('/') + 1);
  size_t properties = 0;
  for (const auto& m : map.asStruct()) {
    if (m.name == "id") {
      id = stringParam(m.value, std::string(what) + " id");
    } else {
      ++properties;
    }
  }
  out.setId(id);
  auto items = out.initProperties(static_cast<unsigned>(properties));
  unsigned i = 0;
  for (const auto& m : map.asStruct()) {
    if (m.name == "id") continue;
    items[i].setName(m.name);
    fillPropertyValue(m.value, items[i].initValue(), std::string(what) + " key '" + m.name + "'");
    ++i;
  }
}

}  // namespace

void expectParams(const Array& params, size_t min, size_t max, std::string_view signature) {
  if (params.size() >= min && params.size() <= max) return;
  std::string wanted = min == max ? std::to_string(min) : fmt::format("{} to {}", min, max);
  invalid(fmt::format("{} takes {} params, got {}", signature, wanted, params.size()));
}

std::string stringParam(const Value& value, std::string_view what) {
  if (value.kind() != Value::Kind::kString)
    invalid(fmt::format("{}: expected a string, got {}", what, got(value)));
  return value.asText();
}

std::string scalarText(const Value& value, std::string_view what) {
  switch (value.kind()) {
    case Value::Kind::kNil:
      return "";
    case Value::Kind::kBoolean:
      return value.asBool() ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(value.asInt());
    case Value::Kind::kDouble:
      return fmt::format("{}", value.asDouble());
    case Value::Kind::kString:
    case Value::Kind::kDateTime:
      return value.asText();
    default:
      invalid(fmt::format("{}: expected a string or a number, got {}", what, got(value)));
  }
}

void fillEvent(const Value& event, schema::Event::Builder out) {
  if (event.kind() != Value::Kind::kStruct) invalid("event: expected a struct, got " + got(event));
  size_t details = 0;
  for (const auto& m : event.asStruct()) {
    const std::string& key = m.name;
    std::string what = "event key '" + key + "'";
    if (key == "device") {
      out.setDevice(scalarText(m.value, what));
    } else if (key == "component") {
      out.setComponent(scalarText(m.value, what));
    } else if (key == "eventClass") {
      out.setEventClass(scalarText(m.value, what));
    } else if (key == "eventKey") {
      out.setEventKey(scalarText(m.value, what));
    } else if (key == "summary") {
      out.setSummary(scalarText(m.value, what));
    } else if (key == "message") {
      out.setMessage(scalarText(m.value, what));
    } else if (key == "agent") {
      out.setAgent(scalarText(m.value, what));
    } else if (key == "monitor") {
      out.setMonitor(scalarText(m.value, what));
    } else if (key == "severity") {
      auto n = number(m.value);
      if (!n || *n != std::floor(*n) || *n < 0 || *n > 5) {
        invalid(what + ": expected a severity 0..5 (an int or a numeric string)");
      }
      out.setSeverity(static_cast<int32_t>(*n));
    } else if (key == "timestamp") {
      auto n = number(m.value);
      if (!n || !std::isfinite(*n) || *n < 0) invalid(what + ": expected seconds since the epoch");
      out.setTimestamp(*n);
    } else {
      ++details;
    }
  }
  auto items = out.initDetails(static_cast<unsigned>(details));
  unsigned i = 0;
  for (const auto& m : event.asStruct()) {
    static const char* const kFields[] = {"device",   "component", "eventClass", "eventKey",
                                          "summary",  "message",   "agent",      "monitor",
                                          "severity", "timestamp"};
    bool field = false;
    for (const char* f : kFields) field = field || m.name == f;
    if (field) continue;
    items[i].setName(m.name);
    items[i].initValue().setText(scalarText(m.value, "event key '" + m.name + "'"));
    ++i;
  }
}

void fillPropertyValue(const Value& value, schema::Value::Builder out, std::string_view what) {
  switch (value.kind()) {
    case Value::Kind::kNil:
      out.setNone();
      return;
    case Value::Kind::kBoolean:
      out.setBool(value.asBool());
      return;
    case Value::Kind::kInt:
      out.setInt(value.asInt());
      return;
    case Value::Kind::kDouble:
      out.setFloat(value.asDouble());
      return;
    case Value::Kind::kString:
    case Value::Kind::kDateTime:
      out.setText(value.asText());
      return;
    case Value::Kind::kArray: {
      const auto& items = value.asArray();
      auto list = out.initList(static_cast<unsigned>(items.size()));
      for (unsigned i = 0; i < list.size(); ++i) list.set(i, scalarText(items[i], what));
      return;
    }
    default:
      invalid(fmt::format("{}: a property cannot be a {}", what, got(value)));
  }
}

void fillDataMap(const Value& datamap, const std::string& relname, const std::string& compname,
                 const std::string& modname, schema::DataMap::Builder out) {
  if (datamap.kind() == Value::Kind::kStruct) {
    if (!relname.empty())
      invalid("datamap: a struct is an object map; relname needs an array of structs");
    fillObjectMap(datamap, compname, modname, out.initObject(), "datamap");
    return;
  }
  if (datamap.kind() != Value::Kind::kArray) {
    invalid("datamap: expected a struct (object map) or an array of structs (with relname), got " +
            got(datamap));
  }
  if (relname.empty())
    invalid("datamap: an array of structs is a relationship map and needs relname");
  auto rel = out.initRelationship();
  rel.setCompname(compname);
  rel.setRelname(relname);
  rel.setModname(modname);
  const auto& items = datamap.asArray();
  auto maps = rel.initObjectMaps(static_cast<unsigned>(items.size()));
  for (unsigned i = 0; i < maps.size(); ++i) {
    fillObjectMap(items[i], "", modname, maps[i], fmt::format("datamap[{}]", i));
  }
}

}  // namespace zenhub::hub::xmlrpc
