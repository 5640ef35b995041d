#include "services/command_template.h"

namespace zenhub::services {

namespace {

std::optional<std::string> attribute(const ModelSnapshot& model, const Object& object,
                                     std::string_view name) {
  if (name == "id") return object.id;
  if (name == "title") return model::getString(object.properties, "title").value_or(object.id);
  if (auto it = object.properties.find(name); it != object.properties.end()) {
    return model::toDisplayString(it->second);
  }
  if (model::isZPropertyName(name)) {
    if (auto v = model.zProperty(object, name)) return model::toDisplayString(*v);
  }
  if (name == "manageIp") {
    // A component's manage IP is its device's.
    if (const Object* device = model.deviceOf(object); device && device != &object)
      return attribute(model, *device, name);
  }
  return std::nullopt;
}

}  // namespace

Substitution substituteCommand(std::string_view commandTemplate, const ModelSnapshot& model,
                               const Object& device, const Object& here) {
  Substitution out;
  size_t at = 0;
  while (at < commandTemplate.size()) {
    size_t start = commandTemplate.find("${", at);
    if (start == std::string_view::npos) {
      out.text.append(commandTemplate.substr(at));
      break;
    }
    out.text.append(commandTemplate.substr(at, start - at));
    size_t end = commandTemplate.find('}', start);
    if (end == std::string_view::npos) {
      out.error = "unterminated ${ in '" + std::string(commandTemplate) + "'";
      return out;
    }
    std::string_view expr = commandTemplate.substr(start + 2, end - start - 2);
    size_t slash = expr.find('/');
    std::string_view root = expr.substr(0, slash);
    std::string_view name =
        slash == std::string_view::npos ? std::string_view() : expr.substr(slash + 1);
    const Object* object = root == "dev" ? &device : root == "here" ? &here : nullptr;
    if (object == nullptr || name.empty() || name.find('/') != std::string_view::npos) {
      out.error =
          "cannot evaluate ${" + std::string(expr) + "}: use ${dev/attribute} or ${here/attribute}";
      return out;
    }
    auto value = attribute(model, *object, name);
    if (!value) {
      out.error = "cannot evaluate ${" + std::string(expr) + "}: " + object->id +
                  " has no attribute '" + std::string(name) + "'";
      return out;
    }
    out.text.append(*value);
    at = end + 1;
  }
  return out;
}

}  // namespace zenhub::services
