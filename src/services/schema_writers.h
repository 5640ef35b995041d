// Writing model objects into the protocol's shared structs (services.capnp): values, property
// items, datapoints, thresholds, SNMP connections. Every config service uses these, so that a
// datapoint or a threshold looks the same whichever service sends it.
#pragma once

#include <kj/string.h>
#include <string_view>

#include <capnp/list.h>

#include <string_view>
#include <vector>

#include "services.capnp.h"
#include "services/model_snapshot.h"

namespace zenhub::services {

void writeValue(schema::Value::Builder out, const model::Value& value);
// One item per property, in name order.
void writePropertyItems(capnp::List<schema::PropertyItem>::Builder out,
                        const model::Properties& properties);

// A datasource's enabled state (default true) and type.
bool enabled(const Object& object);
std::optional<model::DataSourceType> dataSourceType(const Object& dataSource);
// The enabled datasources of `type` in a template.
std::vector<const Object*> dataSourcesOfType(const ModelSnapshot& model, const Object& tmpl,
                                             model::DataSourceType type);
// The thresholds of a template that watch at least one datapoint of a datasource of `type` there.
std::vector<const Object*> thresholdsOfType(const ModelSnapshot& model, const Object& tmpl,
                                            model::DataSourceType type);

// A datapoint of `dataSource`, tagged with its template ("template"), so that collectors can name
// the metric; the device and component ("" = none) are those of the enclosing config, not
// repeated per datapoint (they would double the size of a full reply).
void writeDataPoint(schema::DataPoint::Builder out, const Object& dataSource,
                    const Object& dataPoint, std::string_view device, std::string_view component,
                    const Object& tmpl);
// Every datapoint of the datasources, in order.
void writeDataPoints(capnp::List<schema::DataPoint>::Builder out, const ModelSnapshot& model,
                     const std::vector<const Object*>& dataSources, std::string_view device,
                     std::string_view component, const Object& tmpl);
size_t countDataPoints(const ModelSnapshot& model, const std::vector<const Object*>& dataSources);

// A threshold instance: `threshold` of `tmpl` applied to `component` ("" = the device).
void writeThreshold(schema::Threshold::Builder out, const Object& threshold, const Object& tmpl,
                    std::string_view component);

// How to reach `device` over SNMP at `address`, from its resolved zSnmp* properties.
void writeSnmpConnection(schema::SnmpConnection::Builder out, const ModelSnapshot& model,
                         const Object& device, std::string_view address);

// A threshold with the template and component it applies to: what config services collect.
struct ThresholdInstance {
  const Object* threshold;
  const Object* tmpl;
  std::string_view component;
};
void writeThresholds(capnp::List<schema::Threshold>::Builder out,
                     const std::vector<ThresholdInstance>& thresholds);

// A NUL-terminated copy for a capnp text field: capnp text must be terminated, which a
// string_view need not be (and an empty one may have no data at all).
kj::String textOf(std::string_view s);

}  // namespace zenhub::services
