#include "services/process_config.h"

namespace zenhub::services {

namespace {

namespace cls = model::cls;

struct ProcessPlan : ConfigPlan {
  std::vector<const Object*> processes;
};

class ProcessConfigImpl final
    : public ConfigServiceBase<schema::ProcessConfig, schema::ProcessDeviceConfig, ProcessPlan> {
 public:
  explicit ProcessConfigImpl(ServiceContext& context)
      : ConfigServiceBase(context, "ProcessConfig") {}

 protected:
  bool excluded(const ModelSnapshot& model, const Object& device) const override {
    auto ip = model::getString(device.properties, "manageIp");
    return !ip || ip->empty() || model.zBool(device, "zSnmpMonitorIgnore", false);
  }

  void plan(const ModelSnapshot& model, const Object&, const Object& device,
            std::vector<ProcessPlan>& out) override {
    ProcessPlan p;
    p.device = &device;
    p.configId = device.id;
    p.address = model::getString(device.properties, "manageIp").value_or("");
    for (const Object* c : model.components(device)) {
      if (c->className == cls::kProcess && ModelSnapshot::monitored(*c)) p.processes.push_back(c);
    }
    if (!p.processes.empty()) out.push_back(std::move(p));
  }

  void write(const ModelSnapshot& model, const Object& collector, const ProcessPlan& p,
             schema::ProcessDeviceConfig::Builder out) override {
    const Object& device = *p.device;
    writeSnmpConnection(out.initConnection(), model, device, p.address);
    out.setCycleTime(cycleInterval(collector, "processCycleInterval", 180));
    auto list = out.initProcesses(static_cast<unsigned>(p.processes.size()));
    for (unsigned i = 0; i < p.processes.size(); ++i) {
      const Object& proc = *p.processes[i];
      auto spec = list[i];
      spec.setId(proc.id);
      spec.setName(model::getString(proc.properties, "procName").value_or(proc.id));
      spec.setMatchRegex(model::getString(proc.properties, "regex").value_or(""));
      spec.setIgnoreParameters(model::getBool(proc.properties, "ignoreParameters").value_or(false));
      std::vector<std::pair<const Object*, const Object*>> sources;  // (template, datasource)
      std::vector<ThresholdInstance> thresholds;
      size_t points = 0;
      for (const Object* tmpl : model.boundTemplates(proc)) {
        for (const Object* ds : model.dataSources(*tmpl)) {
          if (!enabled(*ds)) continue;
          sources.emplace_back(tmpl, ds);
          points += model.dataPoints(*ds).size();
        }
        for (const Object* th : model.thresholds(*tmpl)) thresholds.push_back({th, tmpl, proc.id});
      }
      auto dps = spec.initDataPoints(static_cast<unsigned>(points));
      unsigned at = 0;
      for (const auto& [tmpl, ds] : sources) {
        for (const Object* dp : model.dataPoints(*ds))
          writeDataPoint(dps[at++], *ds, *dp, device.id, proc.id, *tmpl);
      }
      writeThresholds(spec.initThresholds(static_cast<unsigned>(thresholds.size())), thresholds);
    }
  }
};

}  // namespace

capnp::Capability::Client makeProcessConfig(ServiceContext& context) {
  return kj::heap<ProcessConfigImpl>(context);
}

}  // namespace zenhub::services
