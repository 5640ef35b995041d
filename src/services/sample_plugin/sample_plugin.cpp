// The sample plugin service: "SampleInventory" (inventory.capnp), the smallest useful service a
// plugin can add. docs/writing-services.md walks through it.
//
// It reads the model through the store's interfaces only (virtual calls on store::Store and
// ReadTransaction), which is what a plugin can rely on: zenhub's other functions are not
// exported to plugins.
#include <kj/debug.h>

#include <algorithm>
#include <string>
#include <vector>

#include "inventory.capnp.h"
#include "zenhub/service_plugin.h"

namespace {

using zenhub::model::Object;

std::string textProperty(const Object& object, const char* name) {
  auto it = object.properties.find(name);
  if (it == object.properties.end()) return {};
  const auto* text = std::get_if<std::string>(&it->second);
  return text ? *text : std::string();
}

class InventoryImpl final : public zenhub::sample::Inventory::Server {
 public:
  // `store` outlives the instance (the worker's connection).
  InventoryImpl(zenhub::store::Store& store, std::string monitor)
      : store_(store), monitor_(std::move(monitor)) {}

 protected:
  kj::Promise<void> count(CountContext context) override {
    auto results = context.getResults(capnp::MessageSize{16, 0});  // a size hint: one segment
    results.setMonitor(monitor_);
    results.setDevices(static_cast<std::uint32_t>(devices("").size()));
    return kj::READY_NOW;
  }

  kj::Promise<void> list(ListContext context) override {
    auto found = devices(context.getParams().getPrefix().cStr());
    auto out = context.getResults(capnp::MessageSize{16 + found.size() * 16, 0})
                   .initDevices(static_cast<unsigned>(found.size()));
    for (unsigned i = 0; i < found.size(); ++i) {
      const Object& d = found[i];
      out[i].setId(d.id);
      out[i].setTitle(textProperty(d, "title"));
      out[i].setManageIp(textProperty(d, "manageIp"));
      // /Devices/Server/Linux/devices/web01 -> /Server/Linux
      std::string path =
          d.path.substr(0, d.path.size() - d.id.size() - std::string("/devices/").size());
      path = path.substr(std::min(path.size(), std::string("/Devices").size()));
      out[i].setDeviceClass(path.empty() ? "/" : path);
    }
    return kj::READY_NOW;
  }

 private:
  std::vector<Object> devices(std::string_view prefix) {
    auto txn = store_.read();  // one consistent snapshot per call
    std::vector<Object> out;
    for (auto& d : txn->ofClass("Device")) {
      if (textProperty(d, "perfServer") == monitor_ &&
          d.id.compare(0, prefix.size(), prefix) == 0) {
        out.push_back(std::move(d));
      }
    }
    std::sort(out.begin(), out.end(), [](const Object& a, const Object& b) { return a.id < b.id; });
    return out;
  }

  zenhub::store::Store& store_;
  std::string monitor_;
};

}  // namespace

ZENHUB_SERVICE_PLUGIN(registrar) {
  registrar.add(
      "SampleInventory", capnp::Schema::from<zenhub::sample::Inventory>(),
      [](zenhub::services::ServiceContext& context) -> capnp::Capability::Client {
        // Like every service, accept only the options declared (none here).
        if (!context.options.empty()) {
          KJ_FAIL_REQUIRE(kj::str("zenhub.badOption: SampleInventory does not accept option '",
                                  context.options.front().first.c_str(), "'")
                              .cStr());
        }
        return kj::heap<InventoryImpl>(context.store, context.monitor);
      });
}
