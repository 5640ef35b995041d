#include "services/ping_config.h"

#include <algorithm>

#include "services/ip_address.h"

namespace zenhub::services {

namespace {

namespace cls = model::cls;
using Type = model::DataSourceType;

struct PingTarget {
  std::string address;
  const Object* interface = nullptr;  // the interface holding the address, if known
  bool manageIp = false;
};

struct PingPlan : ConfigPlan {
  std::vector<PingTarget> targets;
  std::vector<std::string> connected;
};

class PingConfigImpl final
    : public ConfigServiceBase<schema::PingConfig, schema::PingDeviceConfig, PingPlan> {
 public:
  explicit PingConfigImpl(ServiceContext& context) : ConfigServiceBase(context, "PingConfig") {}

 protected:
  bool excluded(const ModelSnapshot& model, const Object& device) const override {
    auto ip = model::getString(device.properties, "manageIp");
    return !ip || ip->empty() || model.zBool(device, "zPingMonitorIgnore", false);
  }

  void plan(const ModelSnapshot& model, const Object&, const Object& device,
            std::vector<PingPlan>& out) override {
    PingPlan p;
    p.device = &device;
    p.configId = device.id;
    p.address = model::getString(device.properties, "manageIp").value_or("");
    p.targets.push_back(PingTarget{p.address, nullptr, true});
    p.connected.push_back(p.address);
    for (const Object* c : model.components(device)) {
      if (c->className != cls::kInterface) continue;
      for (const auto& withPrefix :
           model::getList(c->properties, "ipAddresses").value_or(model::StringList{})) {
        std::string ip(stripPrefix(withPrefix));
        if (std::find(p.connected.begin(), p.connected.end(), ip) == p.connected.end() &&
            !isLoopbackOrWildcard(ip)) {
          p.connected.push_back(ip);
        }
        if (!ModelSnapshot::monitored(*c) || isLoopbackOrWildcard(ip)) continue;
        auto same = std::find_if(p.targets.begin(), p.targets.end(),
                                 [&](const PingTarget& t) { return t.address == ip; });
        if (same == p.targets.end()) {
          p.targets.push_back(PingTarget{ip, c, false});
        } else if (same->interface == nullptr) {
          same->interface = c;  // the manage IP's interface: named, not pinged twice
        }
      }
    }
    out.push_back(std::move(p));
  }

  void write(const ModelSnapshot& model, const Object& collector, const PingPlan& p,
             schema::PingDeviceConfig::Builder out) override {
    const Object& device = *p.device;
    std::uint32_t cycle = cycleInterval(collector, "pingCycleInterval", 60);
    std::int64_t tries = model.zInt(device, "zPingTries",
                                    model::getInt(collector.properties, "pingTries").value_or(2));
    std::int64_t sampleSize = model.zInt(device, "zPingSampleSize", 1);
    auto ips = out.initMonitoredIps(static_cast<unsigned>(p.targets.size()));
    for (unsigned i = 0; i < p.targets.size(); ++i) {
      const PingTarget& t = p.targets[i];
      auto ip = ips[i];
      ip.setAddress(t.address);
      ip.setIpVersion(static_cast<std::uint8_t>(ipVersion(t.address)));
      ip.setInterface(t.interface ? t.interface->id : "");
      ip.setCycleTime(cycle);
      ip.setTries(static_cast<std::uint32_t>(std::max<std::int64_t>(1, tries)));
      ip.setSampleSize(static_cast<std::uint32_t>(std::max<std::int64_t>(1, sampleSize)));
      // The manage IP is measured by the device's PING datasources, an interface address by its
      // interface's.
      const Object* byInterface = t.manageIp ? nullptr : t.interface;
      const Object& context = byInterface ? *byInterface : device;
      std::string_view component =
          byInterface ? std::string_view(byInterface->id) : std::string_view();
      std::vector<std::pair<const Object*, std::vector<const Object*>>> sources;
      std::vector<ThresholdInstance> thresholds;
      size_t points = 0;
      for (const Object* tmpl : model.boundTemplates(context)) {
        auto ds = dataSourcesOfType(model, *tmpl, Type::kPing);
        points += countDataPoints(model, ds);
        sources.emplace_back(tmpl, std::move(ds));
        for (const Object* th : thresholdsOfType(model, *tmpl, Type::kPing))
          thresholds.push_back({th, tmpl, component});
      }
      auto dps = ip.initDataPoints(static_cast<unsigned>(points));
      unsigned at = 0;
      for (const auto& [tmpl, ds] : sources) {
        for (const Object* d : ds) {
          for (const Object* dp : model.dataPoints(*d))
            writeDataPoint(dps[at++], *d, *dp, device.id, component, *tmpl);
        }
      }
      writeThresholds(ip.initThresholds(static_cast<unsigned>(thresholds.size())), thresholds);
    }
    auto connected = out.initConnectedIps(static_cast<unsigned>(p.connected.size()));
    for (unsigned i = 0; i < p.connected.size(); ++i) connected.set(i, p.connected[i]);
  }
};

}  // namespace

capnp::Capability::Client makePingConfig(ServiceContext& context) {
  return kj::heap<PingConfigImpl>(context);
}

}  // namespace zenhub::services
