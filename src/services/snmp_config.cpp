#include "services/snmp_config.h"

#include <map>

namespace zenhub::services {

namespace {

using Type = model::DataSourceType;

// One datasource of one bound template, on the device or a component.
struct SnmpSource {
  const Object* context;  // the device or the component
  const Object* tmpl;
  const Object* dataSource;
  std::string oid;  // normalised, index appended
};

struct SnmpPlan : ConfigPlan {
  std::vector<SnmpSource> sources;
  std::vector<ThresholdInstance> thresholds;
};

// ".1.3.6.1...": one leading dot, none trailing, the component's index appended.
std::string normaliseOid(std::string_view oid, const std::string& index) {
  while (!oid.empty() && oid.front() == '.') oid.remove_prefix(1);
  while (!oid.empty() && oid.back() == '.') oid.remove_suffix(1);
  if (oid.empty()) return {};
  std::string out = "." + std::string(oid);
  if (!index.empty()) out += "." + index;
  return out;
}

std::string componentIndex(const Object& component) {
  for (const char* key : {"snmpindex", "ifindex"}) {
    auto it = component.properties.find(key);
    if (it == component.properties.end()) continue;
    if (const auto* i = std::get_if<std::int64_t>(&it->second)) return std::to_string(*i);
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  }
  return {};
}

class SnmpConfigImpl final
    : public ConfigServiceBase<schema::SnmpConfig, schema::SnmpDeviceConfig, SnmpPlan> {
 public:
  explicit SnmpConfigImpl(ServiceContext& context) : ConfigServiceBase(context, "SnmpConfig") {}

 protected:
  bool excluded(const ModelSnapshot& model, const Object& device) const override {
    auto ip = model::getString(device.properties, "manageIp");
    return !ip || ip->empty() || model.zBool(device, "zSnmpMonitorIgnore", false);
  }

  void plan(const ModelSnapshot& model, const Object&, const Object& device,
            std::vector<SnmpPlan>& out) override {
    std::string deviceIp = model::getString(device.properties, "manageIp").value_or("");
    // Address -> plan, the device's own first.
    std::map<std::string, SnmpPlan> byAddress;
    std::vector<std::string> order{deviceIp};
    auto planFor = [&](const std::string& address) -> SnmpPlan& {
      auto [it, added] = byAddress.try_emplace(address);
      if (added) {
        it->second.device = &device;
        it->second.address = address;
        it->second.configId = address == deviceIp ? device.id : device.id + "_" + address;
        if (address != deviceIp) order.push_back(address);
      }
      return it->second;
    };
    auto addContext = [&](const Object& context, SnmpPlan& p, const std::string& index,
                          std::string_view component) {
      for (const Object* tmpl : model.boundTemplates(context)) {
        for (const Object* ds : dataSourcesOfType(model, *tmpl, Type::kSnmp)) {
          std::string oid =
              normaliseOid(model::getString(ds->properties, "oid").value_or(""), index);
          if (!oid.empty()) p.sources.push_back(SnmpSource{&context, tmpl, ds, std::move(oid)});
        }
        for (const Object* th : thresholdsOfType(model, *tmpl, Type::kSnmp))
          p.thresholds.push_back({th, tmpl, component});
      }
    };
    addContext(device, planFor(deviceIp), "", {});
    for (const Object* c : model.components(device)) {
      if (!ModelSnapshot::monitored(*c)) continue;
      std::string address = model::getString(c->properties, "manageIp").value_or("");
      addContext(*c, planFor(address.empty() ? deviceIp : address), componentIndex(*c), c->id);
    }
    for (const auto& address : order) {
      SnmpPlan& p = byAddress.at(address);
      // A component address with nothing to poll is no config; the device's always is one.
      if (address != deviceIp && p.sources.empty()) continue;
      out.push_back(std::move(p));
    }
  }

  void write(const ModelSnapshot& model, const Object& collector, const SnmpPlan& p,
             schema::SnmpDeviceConfig::Builder out) override {
    const Object& device = *p.device;
    writeSnmpConnection(out.initConnection(), model, device, p.address);
    std::int64_t cycle = model.zInt(device, "zSnmpCollectionInterval",
                                    cycleInterval(collector, "snmpCycleInterval", 300));
    out.setCycleTime(static_cast<std::uint32_t>(cycle > 0 ? cycle : 300));
    // Datasources polling the same OID for the same object share one entry.
    std::map<std::pair<std::string_view, const Object*>, size_t> seen;
    std::vector<std::vector<size_t>> members;
    for (size_t i = 0; i < p.sources.size(); ++i) {
      auto [it, added] = seen.try_emplace({p.sources[i].oid, p.sources[i].context}, members.size());
      if (added) members.emplace_back();
      members[it->second].push_back(i);
    }
    auto oids = out.initOids(static_cast<unsigned>(members.size()));
    for (unsigned k = 0; k < members.size(); ++k) {
      const SnmpSource& head = p.sources[members[k].front()];
      bool isDevice = head.context == &device;
      std::string_view component =
          isDevice ? std::string_view() : std::string_view(head.context->id);
      auto entry = oids[k];
      entry.setOid(head.oid);
      entry.setComponent(textOf(component));
      size_t points = 0;
      for (size_t i : members[k]) points += model.dataPoints(*p.sources[i].dataSource).size();
      auto dps = entry.initDataPoints(static_cast<unsigned>(points));
      unsigned at = 0;
      for (size_t i : members[k]) {
        const SnmpSource& s = p.sources[i];
        for (const Object* dp : model.dataPoints(*s.dataSource)) {
          writeDataPoint(dps[at++], *s.dataSource, *dp, device.id, component, *s.tmpl);
        }
      }
    }
    writeThresholds(out.initThresholds(static_cast<unsigned>(p.thresholds.size())), p.thresholds);
  }
};

}  // namespace

capnp::Capability::Client makeSnmpConfig(ServiceContext& context) {
  return kj::heap<SnmpConfigImpl>(context);
}

}  // namespace zenhub::services
