#include "store/model_validate.h"

#include <arpa/inet.h>

#include <cmath>
#include <map>
#include <regex>

namespace zenhub::store {

namespace cls = model::cls;
using model::ValueType;

namespace {

// Known properties per class: the type they must have. Other properties are free-form.
const std::map<std::string_view, std::map<std::string_view, ValueType>>& knownProperties() {
  static const std::map<std::string_view, std::map<std::string_view, ValueType>> kKnown = {
      {cls::kCollector,
       {{"pingCycleInterval", ValueType::kInt}, {"snmpCycleInterval", ValueType::kInt},
        {"processCycleInterval", ValueType::kInt}, {"statusCycleInterval", ValueType::kInt},
        {"commandCycleInterval", ValueType::kInt}, {"configCycleInterval", ValueType::kInt},
        {"eventlogCycleInterval", ValueType::kInt}, {"description", ValueType::kString}}},
      {cls::kDataSource,
       {{"type", ValueType::kString}, {"oid", ValueType::kString},
        {"commandTemplate", ValueType::kString}, {"cycletime", ValueType::kInt},
        {"enabled", ValueType::kBool}, {"severity", ValueType::kInt}, {"parser", ValueType::kString},
        {"usessh", ValueType::kBool}, {"component", ValueType::kString}}},
      {cls::kDataPoint,
       {{"rrdtype", ValueType::kString}, {"rrdmin", ValueType::kNumber}, {"rrdmax", ValueType::kNumber}}},
      {cls::kThreshold,
       {{"type", ValueType::kString}, {"dsnames", ValueType::kList}, {"minval", ValueType::kNumber},
        {"maxval", ValueType::kNumber}, {"severity", ValueType::kInt}, {"enabled", ValueType::kBool},
        {"eventClass", ValueType::kString}}},
      {cls::kDevice,
       {{"title", ValueType::kString}, {"manageIp", ValueType::kString},
        {"perfServer", ValueType::kString}, {"productionState", ValueType::kInt},
        {"priority", ValueType::kInt}}},
      {cls::kInterface,
       {{"ipAddresses", ValueType::kList}, {"macaddress", ValueType::kString}, {"type", ValueType::kString},
        {"speed", ValueType::kInt}, {"ifindex", ValueType::kInt}, {"mtu", ValueType::kInt},
        {"monitor", ValueType::kBool}, {"description", ValueType::kString}}},
      {cls::kFileSystem,
       {{"mount", ValueType::kString}, {"type", ValueType::kString}, {"totalBlocks", ValueType::kInt},
        {"blockSize", ValueType::kInt}, {"monitor", ValueType::kBool}}},
      {cls::kProcess,
       {{"regex", ValueType::kString}, {"procName", ValueType::kString},
        {"ignoreParameters", ValueType::kBool}, {"alertOnRestart", ValueType::kBool},
        {"monitor", ValueType::kBool}}},
      {cls::kIpService,
       {{"port", ValueType::kInt}, {"protocol", ValueType::kString}, {"ipaddresses", ValueType::kList},
        {"monitor", ValueType::kBool}, {"description", ValueType::kString}}},
  };
  return kKnown;
}

bool isIpWithPrefix(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return isIpAddress(text);
  std::string_view prefix = text.substr(slash + 1);
  if (prefix.empty() || prefix.size() > 3) return false;
  for (char c : prefix) {
    if (c < '0' || c > '9') return false;
  }
  int bits = std::stoi(std::string(prefix));
  bool v6 = text.substr(0, slash).find(':') != std::string_view::npos;
  return isIpAddress(text.substr(0, slash)) && bits <= (v6 ? 128 : 32);
}

std::string checkKnownValue(std::string_view className, std::string_view key, const model::Value& value) {
  const auto* s = std::get_if<std::string>(&value);
  const auto* i = std::get_if<std::int64_t>(&value);
  if (key.size() > 13 && key.substr(key.size() - 13) == "CycleInterval" && i && *i <= 0) {
    return std::string(key) + " must be positive";
  }
  if (className == cls::kDataSource) {
    if (key == "type" && !model::parseDataSourceType(*s)) return "datasource type must be SNMP, COMMAND or PING";
    if (key == "cycletime" && *i <= 0) return "cycletime must be positive";
  } else if (className == cls::kDataPoint) {
    if (key == "rrdtype" && *s != "GAUGE" && *s != "DERIVE" && *s != "COUNTER" && *s != "ABSOLUTE") {
      return "rrdtype must be GAUGE, DERIVE, COUNTER or ABSOLUTE";
    }
  } else if (className == cls::kThreshold) {
    if (key == "type" && *s != "MinMaxThreshold") return "threshold type must be MinMaxThreshold";
    if (key == "severity" && (*i < 0 || *i > 5)) return "severity must be 0..5";
  } else if (className == cls::kDevice) {
    if (key == "manageIp" && !s->empty() && !isIpAddress(*s)) return "'" + *s + "' is not an IP address";
  } else if (className == cls::kInterface) {
    if (key == "ipAddresses") {
      for (const auto& ip : std::get<model::StringList>(value)) {
        if (!isIpWithPrefix(ip)) return "'" + ip + "' is not an IP address (with optional /prefix)";
      }
    }
  } else if (className == cls::kProcess) {
    if (key == "regex") {
      try {
        std::regex re(*s);
      } catch (const std::regex_error& e) {
        return "regex '" + *s + "' does not compile: " + e.what();
      }
    }
  } else if (className == cls::kIpService) {
    if (key == "port" && (*i < 1 || *i > 65535)) return "port must be 1..65535";
    if (key == "protocol" && *s != "tcp" && *s != "udp") return "protocol must be tcp or udp";
  }
  return {};
}

}  // namespace

std::string checkId(std::string_view id, std::string_view className) {
  if (id.empty()) return "an object id cannot be empty";
  // An object that sits directly below its parent cannot take the name of a relation segment:
  // a class "devices" would make /Devices/X/devices/... ambiguous.
  const model::ClassRule* rule = model::findClassRule(className);
  if (rule != nullptr && rule->relation.empty()) {
    for (const auto& other : model::classRules()) {
      std::string_view first = other.relation.substr(0, other.relation.find('/'));
      if (!first.empty() && first == id) {
        return "'" + std::string(id) + "' is reserved (a relation name) and cannot name a " + std::string(className);
      }
    }
  }
  if (id == "." || id == "..") return "'" + std::string(id) + "' is not a valid object id";
  for (char c : id) {
    if (c == '/') return "object id '" + std::string(id) + "' cannot contain '/'";
    if (static_cast<unsigned char>(c) < 0x20) return "object id cannot contain control characters";
  }
  return {};
}

bool isIpAddress(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string checkProperty(std::string_view className, std::string_view key, const model::Value& value) {
  if (key.empty()) return "empty property name";
  if (const auto* d = std::get_if<double>(&value); d && !std::isfinite(*d)) {
    return std::string(key) + ": numbers must be finite";
  }
  if (model::isZPropertyName(key)) {
    if (className != cls::kDeviceClass && className != cls::kDevice) {
      return std::string(key) + ": zProperties belong to device classes and devices";
    }
    ValueType type = model::zPropertyType(key);
    if (!model::hasType(value, type)) return std::string(key) + " must be " + std::string(model::typeName(type));
    if (key == "zSnmpVer") {
      const auto& v = std::get<std::string>(value);
      if (v != "v1" && v != "v2c" && v != "v3") return "zSnmpVer must be v1, v2c or v3";
    }
    if ((key == "zSnmpPort" || key == "zCommandPort") &&
        (std::get<std::int64_t>(value) < 1 || std::get<std::int64_t>(value) > 65535)) {
      return std::string(key) + " must be 1..65535";
    }
    return {};
  }
  auto byClass = knownProperties().find(className);
  if (byClass == knownProperties().end()) return {};
  auto known = byClass->second.find(key);
  if (known == byClass->second.end()) return {};
  if (!model::hasType(value, known->second)) {
    return std::string(key) + " must be " + std::string(model::typeName(known->second));
  }
  std::string problem = checkKnownValue(className, key, value);
  return problem.empty() ? problem : std::string(key) + ": " + problem;
}

std::vector<std::string> checkRequired(std::string_view className, const model::Properties& p) {
  std::vector<std::string> problems;
  auto need = [&](std::string_view key, std::string_view why) {
    if (p.find(key) == p.end()) problems.push_back("missing '" + std::string(key) + "' (" + std::string(why) + ")");
  };
  if (className == cls::kDataSource) {
    need("type", "SNMP, COMMAND or PING");
    auto type = model::getString(p, "type");
    if (type == "SNMP") need("oid", "an SNMP datasource polls an OID");
    if (type == "COMMAND") need("commandTemplate", "a COMMAND datasource runs a command");
  } else if (className == cls::kThreshold) {
    need("dsnames", "the datapoints it watches");
    if (p.find("minval") == p.end() && p.find("maxval") == p.end()) {
      problems.push_back("a MinMaxThreshold needs minval or maxval");
    }
    auto lo = model::getNumber(p, "minval");
    auto hi = model::getNumber(p, "maxval");
    if (lo && hi && *lo > *hi) problems.push_back("minval is above maxval");
  } else if (className == cls::kFileSystem) {
    need("mount", "the mount point");
  } else if (className == cls::kProcess) {
    need("regex", "what process lines match");
  } else if (className == cls::kIpService) {
    need("port", "1..65535");
    need("protocol", "tcp or udp");
  }
  return problems;
}

}  // namespace zenhub::store
