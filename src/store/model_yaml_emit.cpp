#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <unordered_map>

#include "store/json_codec.h"
#include "store/model_yaml.h"

namespace zenhub::store {

namespace cls = model::cls;

namespace {

// Whether a string written plain would read back as something else (a number, a boolean, null).
bool needsQuotes(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return true;
  model::Value v;
  YAML::Node probe(s);
  return !valueFromYaml(probe, v).empty() || !std::holds_alternative<std::string>(v);
}

void emitValue(YAML::Emitter& out, const model::Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (needsQuotes(*s)) out << YAML::DoubleQuoted;
    out << *s;
  } else if (const auto* l = std::get_if<model::StringList>(&value)) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : *l) out << item;
    out << YAML::EndSeq;
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out << (*b ? "true" : "false");
  } else {
    out << encodeValue(value);  // numbers: a double keeps its '.' so it reads back as a double
  }
}

class ModelEmitter {
 public:
  explicit ModelEmitter(const std::vector<Object>& objects) {
    for (const auto& o : objects) sorted_.push_back(&o);
    std::sort(sorted_.begin(), sorted_.end(), [](const Object* a, const Object* b) { return a->path < b->path; });
    for (const Object* o : sorted_) children_[o->parent].push_back(o);
  }

  std::string emit() {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "collectors" << YAML::Value << YAML::BeginMap;
    for (const Object* o : sorted_) {
      if (o->className != cls::kCollector) continue;
      out << YAML::Key << o->id << YAML::Value;
      object(out, *o, {});
    }
    out << YAML::EndMap;
    out << YAML::Key << "classes" << YAML::Value << YAML::BeginMap;
    std::string root(model::kDevicesRoot);
    for (const Object* o : sorted_) {
      if (o->className != cls::kDeviceClass) continue;
      std::string key = o->path == root ? "/" : o->path.substr(root.size());
      out << YAML::Key << key << YAML::Value;
      object(out, *o, {{"templates", cls::kTemplate}, {"devices", cls::kDevice}});
    }
    out << YAML::EndMap;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  }

 private:
  struct Relation {
    const char* key;
    std::string_view className;
  };

  void object(YAML::Emitter& out, const Object& o, const std::vector<Relation>& relations) {
    out << YAML::BeginMap;
    bool hasZ = false;
    for (const auto& [key, value] : o.properties) {
      if (model::isZPropertyName(key)) {
        hasZ = true;
        continue;
      }
      out << YAML::Key << key << YAML::Value;
      emitValue(out, value);
    }
    if (hasZ) {
      out << YAML::Key << "zProperties" << YAML::Value << YAML::BeginMap;
      for (const auto& [key, value] : o.properties) {
        if (!model::isZPropertyName(key)) continue;
        out << YAML::Key << key << YAML::Value;
        emitValue(out, value);
      }
      out << YAML::EndMap;
    }
    for (const auto& rel : relations) {
      std::vector<const Object*> kids = childrenOf(o, rel.className);
      if (kids.empty()) continue;
      out << YAML::Key << rel.key << YAML::Value << YAML::BeginMap;
      for (const Object* kid : kids) {
        out << YAML::Key << kid->id << YAML::Value;
        object(out, *kid, relationsOf(kid->className));
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }

  static std::vector<Relation> relationsOf(std::string_view className) {
    if (className == cls::kTemplate) return {{"datasources", cls::kDataSource}, {"thresholds", cls::kThreshold}};
    if (className == cls::kDataSource) return {{"datapoints", cls::kDataPoint}};
    if (className == cls::kDevice) {
      return {{"templates", cls::kTemplate},     {"interfaces", cls::kInterface}, {"filesystems", cls::kFileSystem},
              {"processes", cls::kProcess},      {"ipservices", cls::kIpService}};
    }
    return {};
  }

  std::vector<const Object*> childrenOf(const Object& o, std::string_view className) {
    std::vector<const Object*> out;
    auto it = children_.find(o.oid);
    if (it == children_.end()) return out;
    for (const Object* kid : it->second) {
      if (kid->className == className) out.push_back(kid);
    }
    return out;
  }

  std::vector<const Object*> sorted_;
  std::unordered_map<Oid, std::vector<const Object*>> children_;
};

}  // namespace

std::string emitModelYaml(const std::vector<Object>& objects) { return ModelEmitter(objects).emit(); }

}  // namespace zenhub::store
