#include "services/command_config.h"

#include "services/command_template.h"
#include "services/problem_reporter.h"

namespace zenhub::services {

namespace {

using Type = model::DataSourceType;
constexpr std::uint32_t kDefaultCycle = 300;

struct CommandSource {
  const Object* context;
  const Object* tmpl;
  const Object* dataSource;
  std::string command;
  std::uint32_t cycle;
};

struct CommandPlan : ConfigPlan {
  std::vector<CommandSource> sources;
};

class CommandConfigImpl final
    : public ConfigServiceBase<schema::CommandConfig, schema::CommandDeviceConfig, CommandPlan> {
 public:
  explicit CommandConfigImpl(ServiceContext& context)
      : ConfigServiceBase(context, "CommandConfig"),
        problems_(context.events, "zenhub", context.monitor) {}

 protected:
  bool excluded(const ModelSnapshot&, const Object&) const override { return false; }

  void plan(const ModelSnapshot& model, const Object&, const Object& device,
            std::vector<CommandPlan>& out) override {
    CommandPlan p;
    p.device = &device;
    p.configId = device.id;
    p.address = model::getString(device.properties, "manageIp").value_or("");
    auto addContext = [&](const Object& context) {
      for (const Object* tmpl : model.boundTemplates(context)) {
        for (const Object* ds : dataSourcesOfType(model, *tmpl, Type::kCommand)) {
          std::string component = &context == &device ? "" : context.id;
          std::string key = tmpl->id + "/" + ds->id;
          auto sub =
              substituteCommand(model::getString(ds->properties, "commandTemplate").value_or(""),
                                model, device, context);
          if (!sub.error.empty()) {
            problems_.report(device.id, component, "/Cmd/Fail", key,
                             "datasource " + key + " left out: " + sub.error);
            continue;
          }
          std::uint32_t cycle = kDefaultCycle;
          if (auto it = ds->properties.find("cycletime"); it != ds->properties.end()) {
            const auto* n = std::get_if<std::int64_t>(&it->second);
            if (n != nullptr && *n > 0 && *n <= 0xFFFFFFFFll) {
              cycle = static_cast<std::uint32_t>(*n);
            } else {
              problems_.report(device.id, component, "/Cmd/Fail", key + "/cycletime",
                               "datasource " + key + ": bad cycle time '" +
                                   model::toDisplayString(it->second) + "', using " +
                                   std::to_string(kDefaultCycle) + " s");
            }
          }
          p.sources.push_back(CommandSource{&context, tmpl, ds, std::move(sub.text), cycle});
        }
      }
    };
    addContext(device);
    for (const Object* c : model.components(device)) {
      if (ModelSnapshot::monitored(*c)) addContext(*c);
    }
    if (!p.sources.empty()) out.push_back(std::move(p));
  }

  void planned() override { problems_.flush(); }

  void write(const ModelSnapshot& model, const Object&, const CommandPlan& p,
             schema::CommandDeviceConfig::Builder out) override {
    const Object& device = *p.device;
    out.setUser(model.zString(device, "zCommandUsername"));
    std::int64_t port = model.zInt(device, "zCommandPort", 22);
    out.setPort(static_cast<std::uint16_t>(port >= 1 && port <= 65535 ? port : 22));
    out.setKeyPath(model.zString(device, "zKeyPath", "~/.ssh/id_rsa"));
    out.setCommandTimeout(model.zNumber(device, "zCommandCommandTimeout", 15.0));
    auto list = out.initDataSources(static_cast<unsigned>(p.sources.size()));
    for (unsigned i = 0; i < p.sources.size(); ++i) {
      const CommandSource& s = p.sources[i];
      std::string_view component =
          s.context == &device ? std::string_view() : std::string_view(s.context->id);
      auto ds = list[i];
      ds.setId(s.dataSource->id);
      ds.setTemplate(s.tmpl->id);
      ds.setComponent(textOf(component));
      ds.setCommand(s.command);
      ds.setCycleTime(s.cycle);
      ds.setParser(model::getString(s.dataSource->properties, "parser").value_or("Auto"));
      const auto& points = model.dataPoints(*s.dataSource);
      auto dps = ds.initDataPoints(static_cast<unsigned>(points.size()));
      for (unsigned k = 0; k < points.size(); ++k) {
        writeDataPoint(dps[k], *s.dataSource, *points[k], device.id, component, *s.tmpl);
      }
      // The template's thresholds on this datasource's datapoints.
      std::vector<ThresholdInstance> thresholds;
      std::string prefix = s.dataSource->id + "_";
      for (const Object* th : model.thresholds(*s.tmpl)) {
        for (const auto& name :
             model::getList(th->properties, "dsnames").value_or(model::StringList{})) {
          if (name.rfind(prefix, 0) == 0) {
            thresholds.push_back({th, s.tmpl, component});
            break;
          }
        }
      }
      writeThresholds(ds.initThresholds(static_cast<unsigned>(thresholds.size())), thresholds);
    }
  }

 private:
  ProblemReporter problems_;  // what planning found; flushed once per call
};

}  // namespace

capnp::Capability::Client makeCommandConfig(ServiceContext& context) {
  return kj::heap<CommandConfigImpl>(context);
}

}  // namespace zenhub::services
