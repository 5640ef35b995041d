#include "services/schema_writers.h"

#include <algorithm>

namespace zenhub::services {

namespace {

void writeBound(schema::Bound::Builder out, std::optional<double> value) {
  if (value) {
    out.setValue(*value);
  } else {
    out.setNone();
  }
}



void setTag(schema::PropertyItem::Builder item, const char* name, std::string_view value) {
  item.setName(name);
  item.initValue().setText(textOf(value));
}

}  // namespace

void writeValue(schema::Value::Builder out, const model::Value& value) {
  struct Visitor {
    schema::Value::Builder& out;
    void operator()(bool b) const { out.setBool(b); }
    void operator()(std::int64_t i) const { out.setInt(i); }
    void operator()(double d) const { out.setFloat(d); }
    void operator()(const std::string& s) const { out.setText(s); }
    void operator()(const model::StringList& l) const {
      auto list = out.initList(static_cast<unsigned>(l.size()));
      for (unsigned i = 0; i < l.size(); ++i) list.set(i, l[i]);
    }
  };
  std::visit(Visitor{out}, value);
}

void writePropertyItems(capnp::List<schema::PropertyItem>::Builder out,
                        const model::Properties& properties) {
  unsigned i = 0;
  for (const auto& [name, value] : properties) {
    if (i >= out.size()) break;
    out[i].setName(name);
    writeValue(out[i].initValue(), value);
    ++i;
  }
}

bool enabled(const Object& object) {
  return model::getBool(object.properties, "enabled").value_or(true);
}

std::optional<model::DataSourceType> dataSourceType(const Object& dataSource) {
  auto type = model::getString(dataSource.properties, "type");
  return type ? model::parseDataSourceType(*type) : std::nullopt;
}

std::vector<const Object*> dataSourcesOfType(const ModelSnapshot& model, const Object& tmpl,
                                             model::DataSourceType type) {
  std::vector<const Object*> out;
  for (const Object* ds : model.dataSources(tmpl)) {
    if (enabled(*ds) && dataSourceType(*ds) == type) out.push_back(ds);
  }
  return out;
}

std::vector<const Object*> thresholdsOfType(const ModelSnapshot& model, const Object& tmpl,
                                            model::DataSourceType type) {
  std::vector<const Object*> out;
  const auto& thresholds = model.thresholds(tmpl);
  if (thresholds.empty()) return out;
  std::vector<std::string> prefixes;
  for (const Object* ds : model.dataSources(tmpl)) {
    if (dataSourceType(*ds) == type) prefixes.push_back(ds->id + "_");
  }
  for (const Object* th : thresholds) {
    auto names = model::getList(th->properties, "dsnames").value_or(model::StringList{});
    bool watches = std::any_of(names.begin(), names.end(), [&](const std::string& name) {
      return std::any_of(prefixes.begin(), prefixes.end(),
                         [&](const std::string& p) { return name.rfind(p, 0) == 0; });
    });
    if (watches) out.push_back(th);
  }
  return out;
}

void writeDataPoint(schema::DataPoint::Builder out, const Object& dataSource,
                    const Object& dataPoint, std::string_view device, std::string_view component,
                    const Object& tmpl) {
  out.setId(dataSource.id + "_" + dataPoint.id);
  out.setName(dataPoint.id);
  out.setRrdType(model::getString(dataPoint.properties, "rrdtype").value_or("GAUGE"));
  writeBound(out.initMin(), model::getNumber(dataPoint.properties, "rrdmin"));
  writeBound(out.initMax(), model::getNumber(dataPoint.properties, "rrdmax"));
  // The device and component are those of the enclosing config / OID entry: repeating them on
  // every datapoint would double the size of a big reply. The template is not said elsewhere.
  static_cast<void>(device);
  static_cast<void>(component);
  auto tags = out.initTags(1);
  setTag(tags[0], "template", tmpl.id);
}

size_t countDataPoints(const ModelSnapshot& model, const std::vector<const Object*>& dataSources) {
  size_t n = 0;
  for (const Object* ds : dataSources) n += model.dataPoints(*ds).size();
  return n;
}

void writeDataPoints(capnp::List<schema::DataPoint>::Builder out, const ModelSnapshot& model,
                     const std::vector<const Object*>& dataSources, std::string_view device,
                     std::string_view component, const Object& tmpl) {
  unsigned i = 0;
  for (const Object* ds : dataSources) {
    for (const Object* dp : model.dataPoints(*ds))
      writeDataPoint(out[i++], *ds, *dp, device, component, tmpl);
  }
}

void writeThreshold(schema::Threshold::Builder out, const Object& threshold, const Object& tmpl,
                    std::string_view component) {
  const auto& p = threshold.properties;
  out.setId(threshold.id);
  out.setTemplate(tmpl.id);
  out.setClassName(threshold.className);
  auto names = model::getList(p, "dsnames").value_or(model::StringList{});
  auto list = out.initDataPoints(static_cast<unsigned>(names.size()));
  for (unsigned i = 0; i < names.size(); ++i) list.set(i, names[i]);
  writeBound(out.initMin(), model::getNumber(p, "minval"));
  writeBound(out.initMax(), model::getNumber(p, "maxval"));
  out.setSeverity(static_cast<std::int32_t>(model::getInt(p, "severity").value_or(3)));
  out.setEventClass(model::getString(p, "eventClass").value_or("/Perf/Snmp"));
  out.setEnabled(enabled(threshold));
  out.setComponent(textOf(component));
}

void writeThresholds(capnp::List<schema::Threshold>::Builder out,
                     const std::vector<ThresholdInstance>& thresholds) {
  for (unsigned i = 0; i < thresholds.size(); ++i) {
    writeThreshold(out[i], *thresholds[i].threshold, *thresholds[i].tmpl, thresholds[i].component);
  }
}

void writeSnmpConnection(schema::SnmpConnection::Builder out, const ModelSnapshot& model,
                         const Object& device, std::string_view address) {
  out.setAddress(textOf(address));
  std::int64_t port = model.zInt(device, "zSnmpPort", 161);
  out.setPort(static_cast<std::uint16_t>(port >= 1 && port <= 65535 ? port : 161));
  std::string version = model.zString(device, "zSnmpVer", "v2c");
  out.setVersion(version);
  out.setTimeout(model.zNumber(device, "zSnmpTimeout", 2.5));
  out.setTries(
      static_cast<std::uint32_t>(std::max<std::int64_t>(0, model.zInt(device, "zSnmpTries", 2))));
  if (version == "v3") {
    // v3 has no community: the user and its authentication and privacy settings.
    out.setSecurityName(model.zString(device, "zSnmpSecurityName"));
    out.setAuthProtocol(model.zString(device, "zSnmpAuthType"));
    out.setAuthPassphrase(model.zString(device, "zSnmpAuthPassword"));
    out.setPrivProtocol(model.zString(device, "zSnmpPrivType"));
    out.setPrivPassphrase(model.zString(device, "zSnmpPrivPassword"));
    out.setContextName(model.zString(device, "zSnmpContext"));
  } else {
    out.setCommunity(model.zString(device, "zSnmpCommunity", "public"));
  }
}

kj::String textOf(std::string_view s) { return kj::heapString(s.empty() ? "" : s.data(), s.size()); }

}  // namespace zenhub::services
