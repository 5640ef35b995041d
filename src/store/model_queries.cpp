#include "store/model_queries.h"

namespace zenhub::store {

namespace cls = model::cls;

std::vector<Object> ancestry(ReadTransaction& txn, const Object& object) {
  std::vector<Object> chain{object};
  Oid parent = object.parent;
  while (parent != model::kNoOid) {
    auto next = txn.getByOid(parent);
    if (!next) break;
    parent = next->parent;
    chain.push_back(std::move(*next));
  }
  return chain;
}

std::optional<model::Value> zProperty(ReadTransaction& txn, const Object& object, std::string_view name) {
  std::vector<Object> chain = ancestry(txn, object);
  std::vector<const Properties*> props;
  for (const auto& o : chain) {
    if (o.className == cls::kDevice || o.className == cls::kDeviceClass) props.push_back(&o.properties);
  }
  return model::acquire(props, name);
}

std::optional<Object> findTemplate(ReadTransaction& txn, const Object& object, std::string_view name) {
  for (const auto& o : ancestry(txn, object)) {
    if (o.className != cls::kDevice && o.className != cls::kDeviceClass) continue;
    if (auto t = txn.get(model::childPath(o.path, cls::kTemplate, name))) return t;
  }
  return std::nullopt;
}

std::vector<Object> boundTemplates(ReadTransaction& txn, const Object& object) {
  std::vector<Object> templates;
  if (object.className == cls::kDevice) {
    auto names = zProperty(txn, object, "zDeviceTemplates");
    if (names && std::holds_alternative<model::StringList>(*names)) {
      for (const auto& name : std::get<model::StringList>(*names)) {
        if (auto t = findTemplate(txn, object, name)) templates.push_back(std::move(*t));
      }
    }
  } else if (object.className == cls::kInterface || object.className == cls::kFileSystem ||
             object.className == cls::kProcess || object.className == cls::kIpService) {
    if (auto t = findTemplate(txn, object, model::componentTemplateName(object))) {
      templates.push_back(std::move(*t));
    }
  }
  return templates;
}

}  // namespace zenhub::store
