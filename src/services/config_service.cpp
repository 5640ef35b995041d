#include "services/config_service.h"

#include <set>

namespace zenhub::services {

std::uint32_t cycleInterval(const Object& collector, std::string_view name,
                            std::uint32_t fallback) {
  auto value = model::getInt(collector.properties, name);
  if (!value || *value <= 0 || *value > 0xFFFFFFFFll) return fallback;
  return static_cast<std::uint32_t>(*value);
}

std::vector<ThresholdInstance> collectorThresholds(const ModelSnapshot& model) {
  std::vector<ThresholdInstance> out;
  const Object* tmpl = model.templateAt(
      model::childPath(model::kDevicesRoot, model::cls::kTemplate, "PerformanceConf"));
  if (tmpl == nullptr) return out;
  for (const Object* th : model.thresholds(*tmpl)) out.push_back(ThresholdInstance{th, tmpl, {}});
  return out;
}

std::vector<std::string> thresholdClasses(const ModelSnapshot& model) {
  // Every threshold class a collector must know to evaluate the thresholds it is sent; the model
  // has one today, and a collector is told about it even before any threshold uses it.
  std::set<std::string> classes{std::string(model::cls::kThreshold)};
  for (const Object* th : model.thresholdObjects()) classes.insert(th->className);
  return {classes.begin(), classes.end()};
}

}  // namespace zenhub::services
