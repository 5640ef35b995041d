// The model's fixed rules and helpers (include/zenhub/model.h).
#include "zenhub/model.h"

#include <cctype>
#include <sstream>

namespace zenhub::model {

const std::vector<ClassRule>& classRules() {
  static const std::vector<ClassRule> kRules = {
      {cls::kOrganizer, {cls::kOrganizer}, ""},
      {cls::kCollector, {cls::kOrganizer}, ""},
      {cls::kDeviceClass, {cls::kDeviceClass}, ""},
      {cls::kTemplate, {cls::kDeviceClass, cls::kDevice}, "rrdTemplates"},
      {cls::kDataSource, {cls::kTemplate}, "datasources"},
      {cls::kDataPoint, {cls::kDataSource}, "datapoints"},
      {cls::kThreshold, {cls::kTemplate}, "thresholds"},
      {cls::kDevice, {cls::kDeviceClass}, "devices"},
      {cls::kInterface, {cls::kDevice}, "os/interfaces"},
      {cls::kFileSystem, {cls::kDevice}, "os/filesystems"},
      {cls::kProcess, {cls::kDevice}, "os/processes"},
      {cls::kIpService, {cls::kDevice}, "os/ipservices"},
  };
  return kRules;
}

const ClassRule* findClassRule(std::string_view className) {
  for (const auto& rule : classRules()) {
    if (rule.className == className) return &rule;
  }
  return nullptr;
}

std::string childPath(std::string_view parentPath, std::string_view className, std::string_view id) {
  std::string path(parentPath);
  const ClassRule* rule = findClassRule(className);
  if (rule != nullptr && !rule->relation.empty()) {
    path += '/';
    path += rule->relation;
  }
  path += '/';
  path += id;
  return path;
}

namespace {
template <typename T>
std::optional<T> getAs(const Properties& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return std::nullopt;
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> getString(const Properties& p, std::string_view key) {
  return getAs<std::string>(p, key);
}
std::optional<std::int64_t> getInt(const Properties& p, std::string_view key) {
  return getAs<std::int64_t>(p, key);
}
std::optional<double> getNumber(const Properties& p, std::string_view key) {
  if (auto i = getAs<std::int64_t>(p, key)) return static_cast<double>(*i);
  return getAs<double>(p, key);
}
std::optional<bool> getBool(const Properties& p, std::string_view key) { return getAs<bool>(p, key); }
std::optional<StringList> getList(const Properties& p, std::string_view key) {
  return getAs<StringList>(p, key);
}

std::string toDisplayString(const Value& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::ostringstream s;
      s.precision(17);
      s << d;
      return s.str();
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const StringList& l) const {
      std::string out = "[";
      for (size_t i = 0; i < l.size(); ++i) out += (i ? ", " : "") + l[i];
      return out + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

bool isZPropertyName(std::string_view name) {
  return name.size() >= 2 && name[0] == 'z' && std::isupper(static_cast<unsigned char>(name[1]));
}

ValueType zPropertyType(std::string_view name) {
  static const std::map<std::string_view, ValueType> kTypes = {
      {"zSnmpCommunity", ValueType::kString},   {"zSnmpVer", ValueType::kString},
      {"zSnmpPort", ValueType::kInt},           {"zSnmpTimeout", ValueType::kNumber},
      {"zSnmpTries", ValueType::kInt},          {"zPingMonitorIgnore", ValueType::kBool},
      {"zSnmpMonitorIgnore", ValueType::kBool}, {"zCommandUsername", ValueType::kString},
      {"zCommandPassword", ValueType::kString}, {"zCommandPort", ValueType::kInt},
      {"zCommandCommandTimeout", ValueType::kNumber},
      {"zDeviceTemplates", ValueType::kList},   {"zCollectorPlugins", ValueType::kList},
      {"zProdStateThreshold", ValueType::kInt}, {"zIcmpMonitorIgnore", ValueType::kBool},
  };
  auto it = kTypes.find(name);
  return it == kTypes.end() ? ValueType::kAny : it->second;
}

bool hasType(const Value& v, ValueType t) {
  switch (t) {
    case ValueType::kBool: return std::holds_alternative<bool>(v);
    case ValueType::kInt: return std::holds_alternative<std::int64_t>(v);
    case ValueType::kNumber:
      return std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v);
    case ValueType::kString: return std::holds_alternative<std::string>(v);
    case ValueType::kList: return std::holds_alternative<StringList>(v);
    case ValueType::kAny: return true;
  }
  return false;
}

std::string_view typeName(ValueType t) {
  switch (t) {
    case ValueType::kBool: return "a boolean";
    case ValueType::kInt: return "an integer";
    case ValueType::kNumber: return "a number";
    case ValueType::kString: return "a string";
    case ValueType::kList: return "a list of strings";
    case ValueType::kAny: return "any value";
  }
  return "?";
}

const Properties& zPropertyDefaults() {
  static const Properties kDefaults = {
      {"zSnmpCommunity", std::string("public")},
      {"zSnmpVer", std::string("v2c")},
      {"zSnmpPort", std::int64_t{161}},
      {"zSnmpTimeout", 2.5},
      {"zSnmpTries", std::int64_t{2}},
      {"zPingMonitorIgnore", false},
      {"zSnmpMonitorIgnore", false},
      {"zCommandUsername", std::string("")},
      {"zCommandPort", std::int64_t{22}},
      {"zCommandCommandTimeout", 15.0},
      {"zDeviceTemplates", StringList{"Device"}},
      {"zCollectorPlugins", StringList{}},
      {"zProdStateThreshold", std::int64_t{300}},
  };
  return kDefaults;
}

std::optional<Value> acquire(const std::vector<const Properties*>& chain, std::string_view name) {
  for (const Properties* props : chain) {
    if (props == nullptr) continue;
    auto it = props->find(name);
    if (it != props->end()) return it->second;
  }
  const Properties& defaults = zPropertyDefaults();
  auto it = defaults.find(name);
  if (it != defaults.end()) return it->second;
  return std::nullopt;
}

std::optional<DataSourceType> parseDataSourceType(std::string_view s) {
  if (s == "SNMP") return DataSourceType::kSnmp;
  if (s == "COMMAND") return DataSourceType::kCommand;
  if (s == "PING") return DataSourceType::kPing;
  return std::nullopt;
}

std::string_view toString(DataSourceType t) {
  switch (t) {
    case DataSourceType::kSnmp: return "SNMP";
    case DataSourceType::kCommand: return "COMMAND";
    case DataSourceType::kPing: return "PING";
  }
  return "?";
}

std::string componentTemplateName(const Object& component) {
  // Interfaces bind the template named by their interface type (ethernetCsmacd, softwareLoopback),
  // like Zenoss; other components bind the template named by their class.
  if (component.className == cls::kInterface) {
    if (auto type = getString(component.properties, "type"); type && !type->empty()) return *type;
    return "ethernetCsmacd";
  }
  return component.className;
}

}  // namespace zenhub::model
