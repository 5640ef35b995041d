#include "hub/method_names.h"

#include <capnp/schema.h>

#include <map>
#include <utility>

#include "services.capnp.h"

namespace zenhub::hub {

namespace {

void addInterface(std::map<std::pair<uint64_t, uint16_t>, std::string>& names, capnp::InterfaceSchema schema) {
  for (auto method : schema.getMethods()) {
    names[{schema.getProto().getId(), method.getOrdinal()}] = method.getProto().getName();
  }
  for (auto super : schema.getSuperclasses()) addInterface(names, super);
}

const std::map<std::pair<uint64_t, uint16_t>, std::string>& table() {
  static const auto kTable = [] {
    std::map<std::pair<uint64_t, uint16_t>, std::string> names;
    addInterface(names, capnp::Schema::from<schema::PingConfig>());
    addInterface(names, capnp::Schema::from<schema::SnmpConfig>());
    addInterface(names, capnp::Schema::from<schema::CommandConfig>());
    addInterface(names, capnp::Schema::from<schema::ProcessConfig>());
    addInterface(names, capnp::Schema::from<schema::StatusConfig>());
    addInterface(names, capnp::Schema::from<schema::EventService>());
    addInterface(names, capnp::Schema::from<schema::ModelerService>());
    return names;
  }();
  return kTable;
}

}  // namespace

std::string methodName(uint64_t interfaceId, uint16_t methodId) {
  auto it = table().find({interfaceId, methodId});
  if (it != table().end()) return it->second;
  return "method#" + std::to_string(methodId);
}

}  // namespace zenhub::hub
