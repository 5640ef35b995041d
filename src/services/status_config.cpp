#include "services/status_config.h"

#include "services/ip_address.h"

namespace zenhub::services {

namespace {

namespace cls = model::cls;

struct StatusPlan : ConfigPlan {
  std::vector<const Object*> services;
};

class StatusConfigImpl final
    : public ConfigServiceBase<schema::StatusConfig, schema::StatusDeviceConfig, StatusPlan> {
 public:
  explicit StatusConfigImpl(ServiceContext& context) : ConfigServiceBase(context, "StatusConfig") {}

 protected:
  bool excluded(const ModelSnapshot&, const Object& device) const override {
    auto ip = model::getString(device.properties, "manageIp");
    return !ip || ip->empty();
  }

  void plan(const ModelSnapshot& model, const Object&, const Object& device,
            std::vector<StatusPlan>& out) override {
    StatusPlan p;
    p.device = &device;
    p.configId = device.id;
    p.address = model::getString(device.properties, "manageIp").value_or("");
    for (const Object* c : model.components(device)) {
      if (c->className == cls::kIpService && ModelSnapshot::monitored(*c)) p.services.push_back(c);
    }
    if (!p.services.empty()) out.push_back(std::move(p));
  }

  void write(const ModelSnapshot& model, const Object& collector, const StatusPlan& p,
             schema::StatusDeviceConfig::Builder out) override {
    const Object& device = *p.device;
    out.setCycleTime(cycleInterval(collector, "statusCycleInterval", 60));
    double timeout = model.zNumber(device, "zStatusConnectTimeout", 10.0);
    std::int64_t deviceSeverity = model.zInt(device, "zFailSeverity", 5);
    auto checks = out.initChecks(static_cast<unsigned>(p.services.size()));
    for (unsigned i = 0; i < p.services.size(); ++i) {
      const Object& svc = *p.services[i];
      auto check = checks[i];
      std::string address = p.address;
      for (const auto& ip :
           model::getList(svc.properties, "ipaddresses").value_or(model::StringList{})) {
        if (!isLoopbackOrWildcard(ip)) {
          address = std::string(stripPrefix(ip));
          break;
        }
      }
      check.setComponent(svc.id);
      check.setAddress(address);
      check.setPort(static_cast<std::uint16_t>(model::getInt(svc.properties, "port").value_or(0)));
      check.setProtocol(model::getString(svc.properties, "protocol").value_or("tcp"));
      check.setSendString(model::getString(svc.properties, "sendString").value_or(""));
      check.setExpectRegex(model::getString(svc.properties, "expectRegex").value_or(""));
      check.setTimeout(timeout);
      check.setFailSeverity(static_cast<std::int32_t>(
          model::getInt(svc.properties, "failSeverity").value_or(deviceSeverity)));
    }
  }
};

}  // namespace

capnp::Capability::Client makeStatusConfig(ServiceContext& context) {
  return kj::heap<StatusConfigImpl>(context);
}

}  // namespace zenhub::services
