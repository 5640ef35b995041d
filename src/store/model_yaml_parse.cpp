#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>
#include <algorithm>

#include "store/model_validate.h"
#include "store/model_yaml.h"

namespace zenhub::store {

namespace cls = model::cls;

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// [-+]?[0-9]+
bool looksInteger(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}

// A decimal with a '.' or an exponent (1.5, .5, 2., 1e3); not inf/nan.
bool looksFloat(std::string_view s, double& out) {
  std::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  if (body.empty() || !(isDigit(body[0]) || (body[0] == '.' && body.size() > 1 && isDigit(body[1])))) return false;
  if (body.find_first_of(".eE") == std::string_view::npos) return false;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), out);
  if (ec != std::errc() || p != body.data() + body.size()) return false;
  if (s[0] == '-') out = -out;
  return true;
}

// The component kinds a device lists, by YAML key.
struct ComponentKind {
  const char* key;
  std::string_view className;
};
constexpr ComponentKind kComponentKinds[] = {
    {"interfaces", cls::kInterface},
    {"filesystems", cls::kFileSystem},
    {"processes", cls::kProcess},
    {"ipservices", cls::kIpService},
};

class ModelParser {
 public:
  explicit ModelParser(std::string sourceName) : source_(std::move(sourceName)) {}

  std::vector<ObjectSpec> parse(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw ModelError(where(e.mark) + ": " + e.msg);
    }
    if (root.IsNull()) {
      // An empty file is an empty model.
    } else if (!root.IsMap()) {
      issue(root, "a model file is a mapping with 'collectors' and 'classes'");
    } else {
      for (const auto& entry : root) {
        std::string key = entry.first.Scalar();
        if (key == "collectors") {
          collectors(entry.second);
        } else if (key == "classes") {
          classes(entry.second);
        } else {
          issue(entry.first, "unknown top-level key '" + key + "' (expected collectors, classes)");
        }
      }
    }
    if (!issues_.empty()) throw ModelError(std::move(issues_));
    return std::move(specs_);
  }

 private:
  std::string where(const YAML::Mark& mark) const {
    return source_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  void issue(const YAML::Node& node, const std::string& message) { issues_.push_back(where(node.Mark()) + ": " + message); }

  // A mapping of named children; false (with an issue) when the node is something else.
  bool expectMap(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) return true;
    if (node.IsNull()) return false;  // "interfaces:" with nothing under it
    issue(node, what + " must be a mapping");
    return false;
  }

  void collectors(const YAML::Node& node) {
    if (!expectMap(node, "collectors")) return;
    for (const auto& entry : node) {
      ObjectSpec spec = makeSpec(entry.first, std::string(model::kCollectorsRoot), cls::kCollector);
      properties(entry.second, spec, {});
      finish(entry.second, std::move(spec));
    }
  }

  void classes(const YAML::Node& node) {
    if (!expectMap(node, "classes")) return;
    for (const auto& entry : node) {
      std::string key = entry.first.Scalar();
      if (key.empty() || key[0] != '/') {
        issue(entry.first, "class '" + key + "' must be a path below /Devices, like /Server/Linux (or / for /Devices)");
        continue;
      }
      // Every class on the way must exist; create missing ones empty, leave existing ones alone.
      std::string parent(model::kDevicesRoot);
      std::vector<std::string> segments;
      size_t start = 1;
      while (start <= key.size()) {
        size_t end = key.find('/', start);
        if (end == std::string::npos) end = key.size();
        if (end > start) segments.push_back(key.substr(start, end - start));
        start = end + 1;
      }
      std::string classPath(model::kDevicesRoot);
      for (size_t i = 0; i < segments.size(); ++i) {
        ObjectSpec spec;
        spec.parentPath = classPath;
        spec.className = std::string(cls::kDeviceClass);
        spec.id = segments[i];
        spec.origin = where(entry.first.Mark());
        spec.createOnly = i + 1 < segments.size();
        if (auto problem = checkId(spec.id, cls::kDeviceClass); !problem.empty()) {
          issue(entry.first, problem);
          break;
        }
        classPath = spec.path();
        if (spec.createOnly) specs_.push_back(std::move(spec));
        else deviceClass(entry.second, std::move(spec));
      }
      if (segments.empty()) {
        // "/" is /Devices itself: its properties are the tree's defaults.
        ObjectSpec spec;
        spec.parentPath = "";
        spec.className = std::string(cls::kDeviceClass);
        spec.id = "Devices";
        spec.origin = where(entry.first.Mark());
        deviceClass(entry.second, std::move(spec));
      }
    }
  }

  void deviceClass(const YAML::Node& node, ObjectSpec spec) {
    std::string path = spec.path();
    properties(node, spec, {"zProperties", "templates", "devices"});
    finish(node, std::move(spec));
    if (!node.IsMap()) return;
    if (node["templates"]) templates(node["templates"], path);
    if (node["devices"] && expectMap(node["devices"], "devices")) {
      for (const auto& entry : node["devices"]) device(entry.first, entry.second, path);
    }
  }

  void templates(const YAML::Node& node, const std::string& ownerPath) {
    if (!expectMap(node, "templates")) return;
    for (const auto& entry : node) {
      ObjectSpec spec = makeSpec(entry.first, ownerPath, cls::kTemplate);
      std::string path = spec.path();
      properties(entry.second, spec, {"datasources", "thresholds"});
      finish(entry.second, std::move(spec));
      if (!entry.second.IsMap()) continue;
      if (auto ds = entry.second["datasources"]; ds && expectMap(ds, "datasources")) {
        for (const auto& d : ds) {
          ObjectSpec dspec = makeSpec(d.first, path, cls::kDataSource);
          std::string dpath = dspec.path();
          properties(d.second, dspec, {"datapoints"});
          finish(d.second, std::move(dspec));
          if (!d.second.IsMap()) continue;
          if (auto dps = d.second["datapoints"]; dps && expectMap(dps, "datapoints")) {
            for (const auto& p : dps) leaf(p.first, p.second, dpath, cls::kDataPoint);
          }
        }
      }
      if (auto th = entry.second["thresholds"]; th && expectMap(th, "thresholds")) {
        for (const auto& t : th) leaf(t.first, t.second, path, cls::kThreshold);
      }
    }
  }

  void device(const YAML::Node& key, const YAML::Node& node, const std::string& classPath) {
    ObjectSpec spec = makeSpec(key, classPath, cls::kDevice);
    std::string path = spec.path();
    std::vector<std::string> structural = {"zProperties", "templates"};
    for (const auto& kind : kComponentKinds) structural.emplace_back(kind.key);
    properties(node, spec, structural);
    finish(node, std::move(spec));
    if (!node.IsMap()) return;
    if (node["templates"]) templates(node["templates"], path);
    for (const auto& kind : kComponentKinds) {
      if (auto list = node[kind.key]; list && expectMap(list, kind.key)) {
        for (const auto& c : list) leaf(c.first, c.second, path, kind.className);
      }
    }
  }

  void leaf(const YAML::Node& key, const YAML::Node& node, const std::string& parent, std::string_view className) {
    ObjectSpec spec = makeSpec(key, parent, className);
    properties(node, spec, {});
    finish(node, std::move(spec));
  }

  ObjectSpec makeSpec(const YAML::Node& key, const std::string& parent, std::string_view className) {
    ObjectSpec spec;
    spec.parentPath = parent;
    spec.className = std::string(className);
    spec.id = key.IsScalar() ? key.Scalar() : "";
    spec.origin = where(key.Mark());
    if (!key.IsScalar()) issue(key, "a name must be a scalar");
    else if (spec.id.empty()) issue(key, "a name cannot be empty");
    else if (auto problem = checkId(spec.id, className); !problem.empty()) issue(key, problem);
    return spec;
  }

  // Reads the object's own properties from its mapping; `structural` keys are children, read by
  // the caller; "zProperties" is a nested mapping merged into the properties.
  void properties(const YAML::Node& node, ObjectSpec& spec, const std::vector<std::string>& structural) {
    rejected_.clear();
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      issue(node, spec.className + " '" + spec.id + "' must be a mapping of properties");
      return;
    }
    for (const auto& entry : node) {
      std::string key = entry.first.Scalar();
      bool isStructural = std::find(structural.begin(), structural.end(), key) != structural.end();
      if (key == "zProperties" && isStructural) {
        if (!expectMap(entry.second, "zProperties")) continue;
        for (const auto& z : entry.second) {
          std::string zkey = z.first.Scalar();
          if (!model::isZPropertyName(zkey)) {
            issue(z.first, "'" + zkey + "' is not a zProperty name (z followed by a capital letter)");
            continue;
          }
          property(z.first, z.second, zkey, spec);
        }
        continue;
      }
      if (isStructural) continue;
      if (model::isZPropertyName(key)) {
        issue(entry.first, "zProperty '" + key + "' belongs under zProperties:");
        continue;
      }
      property(entry.first, entry.second, key, spec);
    }
  }

  void property(const YAML::Node& key, const YAML::Node& node, const std::string& name, ObjectSpec& spec) {
    model::Value value;
    if (auto problem = valueFromYaml(node, value); !problem.empty()) {
      issue(node, name + ": " + problem);
      rejected_.insert(name);
      return;
    }
    if (auto problem = checkProperty(spec.className, name, value); !problem.empty()) {
      issue(node, problem);
      rejected_.insert(name);
      return;
    }
    if (!spec.properties.emplace(name, std::move(value)).second) issue(key, "'" + name + "' given twice");
  }

  void finish(const YAML::Node& node, ObjectSpec spec) {
    for (const auto& problem : checkRequired(spec.className, spec.properties)) {
      // A property already reported as bad is not reported again as missing.
      bool reported = false;
      for (const auto& name : rejected_) reported = reported || problem.rfind("missing '" + name + "'", 0) == 0;
      if (reported) continue;
      issues_.push_back(spec.origin + ": " + spec.className + " '" + spec.id + "': " + problem);
    }
    specs_.push_back(std::move(spec));
  }

  std::string source_;
  std::set<std::string> rejected_;  // properties of the current object already reported as bad
  std::vector<ObjectSpec> specs_;
  std::vector<std::string> issues_;
};

}  // namespace

std::string valueFromYaml(const YAML::Node& node, model::Value& out) {
  if (node.IsSequence()) {
    model::StringList list;
    for (const auto& item : node) {
      if (!item.IsScalar()) return "list items must be scalars";
      list.push_back(item.Scalar());
    }
    out = std::move(list);
    return {};
  }
  if (node.IsNull()) return "a value is required (write \"\" for an empty string)";
  if (!node.IsScalar()) return "must be a scalar or a list";
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") {  // quoted: a string, whatever it looks like
    out = s;
    return {};
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    out = true;
  } else if (s == "false" || s == "False" || s == "FALSE") {
    out = false;
  } else if (looksInteger(s)) {
    std::int64_t i = 0;
    const char* first = s.data() + (s[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(first, s.data() + s.size(), i);
    if (ec != std::errc() || p != s.data() + s.size()) return "integer out of range";
    out = i;
  } else if (double d = 0; looksFloat(s, d)) {
    out = d;
  } else {
    out = s;
  }
  return {};
}

std::vector<ObjectSpec> parseModelYaml(const std::string& text, const std::string& sourceName) {
  return ModelParser(sourceName).parse(text);
}

}  // namespace zenhub::store
