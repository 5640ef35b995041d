#include "hub/xmlrpc/methods.h"

#include <capnp/message.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "hub/xmlrpc/capnp_converter.h"
#include "hub/xmlrpc/fault.h"
#include "hub/xmlrpc/params.h"

namespace zenhub::hub::xmlrpc {

namespace {

// A config service's devices, each converted through its own schema.
template <typename Config>
kj::Promise<Value> deviceConfigs(capnp::Capability::Client service) {
  return service.castAs<schema::ConfigService<Config>>().getDeviceConfigsRequest().send().then(
      [](auto&& response) {
        Array configs;
        for (auto config : response.getConfigs())
          configs.push_back(fromCapnp(capnp::toDynamic(config)));
        return Value::array(std::move(configs));
      });
}

struct ConfigSource {
  const char* service;
  kj::Promise<Value> (*fetch)(capnp::Capability::Client);
};

// getConfigs' datasource types (the model's, include/zenhub/model.h) and the service for each.
const std::map<std::string, ConfigSource>& configSources() {
  static const std::map<std::string, ConfigSource> kSources = {
      {"COMMAND", {"CommandConfig", &deviceConfigs<schema::CommandDeviceConfig>}},
      {"PING", {"PingConfig", &deviceConfigs<schema::PingDeviceConfig>}},
      {"SNMP", {"SnmpConfig", &deviceConfigs<schema::SnmpDeviceConfig>}},
  };
  return kSources;
}

// The service that answers getPerformanceConfig: every config service has the collector's
// property items; PingConfig is always built in.
constexpr const char* kPropertiesService = "PingConfig";

// applyDataMap's optional string arguments: "" when absent or nil.
std::string optionalString(const Array& params, size_t i, std::string_view what) {
  if (i >= params.size() || params[i].isNil()) return "";
  return stringParam(params[i], what);
}

}  // namespace

XmlRpcMethods::XmlRpcMethods(ServiceManager& services, std::string hubMonitor)
    : services_(services), hubMonitor_(std::move(hubMonitor)) {}

namespace {
using Method = kj::Promise<Value> (XmlRpcMethods::*)(const Array&);
}  // namespace

kj::Promise<Value> XmlRpcMethods::call(const MethodCall& call) {
  static const std::map<std::string, Method, std::less<>> kMethods = {
      {"applyDataMap", &XmlRpcMethods::applyDataMap},
      {"getConfigs", &XmlRpcMethods::getConfigs},
      {"getDevicePingIssues", &XmlRpcMethods::getDevicePingIssues},
      {"getPerformanceConfig", &XmlRpcMethods::getPerformanceConfig},
      {"sendEvent", &XmlRpcMethods::sendEvent},
      {"sendEvents", &XmlRpcMethods::sendEvents},
  };
  auto it = kMethods.find(call.methodName);
  if (it == kMethods.end())
    throw Fault(kMethodNotFound, "Unknown method: '" + call.methodName + "'");
  return (this->*(it->second))(call.params);
}

kj::Promise<Value> XmlRpcMethods::sendEvent(const Array& params) {
  expectParams(params, 1, 1, "sendEvent(event)");
  auto message = kj::heap<capnp::MallocMessageBuilder>();
  fillEvent(params[0], message->initRoot<schema::Event>());
  return services_.internalService("EventService", hubMonitor_)
      .then([message = kj::mv(message)](capnp::Capability::Client service) mutable {
        auto request = service.castAs<schema::EventService>().sendEventRequest();
        request.setEvent(message->getRoot<schema::Event>().asReader());
        return request.send().then([](auto&&) { return Value::boolean(true); });
      });
}

kj::Promise<Value> XmlRpcMethods::sendEvents(const Array& params) {
  expectParams(params, 1, 1, "sendEvents(events)");
  if (params[0].kind() != Value::Kind::kArray) {
    throw Fault(kInvalidParams, "sendEvents(events): expected an array of structs, got " +
                                    std::string(kindName(params[0].kind())));
  }
  const auto& events = params[0].asArray();
  auto message = kj::heap<capnp::MallocMessageBuilder>();
  auto list = message->initRoot<schema::EventService::SendEventsParams>().initEvents(
      static_cast<unsigned>(events.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    try {
      fillEvent(events[i], list[i]);
    } catch (const Fault& f) {
      throw Fault(f.code(), "events[" + std::to_string(i) + "]: " + f.what());
    }
  }
  return services_.internalService("EventService", hubMonitor_)
      .then([message = kj::mv(message)](capnp::Capability::Client service) mutable {
        auto request = service.castAs<schema::EventService>().sendEventsRequest();
        request.setEvents(
            message->getRoot<schema::EventService::SendEventsParams>().getEvents().asReader());
        return request.send().then([](auto&& response) {
          return Value::integer(static_cast<int64_t>(response.getCount()));
        });
      });
}

kj::Promise<Value> XmlRpcMethods::getDevicePingIssues(const Array& params) {
  expectParams(params, 0, 0, "getDevicePingIssues()");
  return services_.internalService("EventService", hubMonitor_)
      .then([](capnp::Capability::Client service) {
        return service.castAs<schema::EventService>().getDevicePingIssuesRequest().send().then(
            [](auto&& response) {
              Array issues;
              for (auto issue : response.getIssues()) {
                // ZenHub's (deviceId, ipAddress, count) tuples.
                issues.push_back(Value::array({Value::string(issue.getDevice()),
                                               Value::string(issue.getIpAddress()),
                                               Value::integer(issue.getCount())}));
              }
              return Value::array(std::move(issues));
            });
      });
}

kj::Promise<Value> XmlRpcMethods::getConfigs(const Array& params) {
  expectParams(params, 2, 2, "getConfigs(monitor, dstype)");
  std::string monitor = stringParam(params[0], "getConfigs monitor");
  std::string dstype = stringParam(params[1], "getConfigs dstype");
  std::string upper = dstype;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  auto source = configSources().find(upper);
  if (source == configSources().end()) {
    std::string known;
    for (const auto& [name, s] : configSources()) known += (known.empty() ? "" : ", ") + name;
    throw Fault(kInvalidParams, "Unknown datasource type: '" + dstype + "' (known: " + known + ")");
  }
  auto fetch = source->second.fetch;
  return services_.internalService(source->second.service, monitor)
      .then([fetch](capnp::Capability::Client service) { return fetch(kj::mv(service)); });
}

kj::Promise<Value> XmlRpcMethods::getPerformanceConfig(const Array& params) {
  expectParams(params, 1, 1, "getPerformanceConfig(monitor)");
  std::string monitor = stringParam(params[0], "getPerformanceConfig monitor");
  return services_.internalService(kPropertiesService, monitor)
      .then([](capnp::Capability::Client service) {
        return service.castAs<schema::ConfigService<>>().getConfigPropertiesRequest().send().then(
            [](auto&& response) {
              Struct properties;
              for (auto item : response.getItems()) {
                setMember(properties, item.getName(), fromCapnp(capnp::toDynamic(item.getValue())));
              }
              return Value::structure(std::move(properties));
            });
      });
}

kj::Promise<Value> XmlRpcMethods::applyDataMap(const Array& params) {
  constexpr std::string_view kSignature =
      "applyDataMap(device, datamap, relname, compname, modname)";
  expectParams(params, 2, 5, kSignature);
  std::string device = stringParam(params[0], "applyDataMap device");
  std::string relname = optionalString(params, 2, "applyDataMap relname");
  std::string compname = optionalString(params, 3, "applyDataMap compname");
  std::string modname = optionalString(params, 4, "applyDataMap modname");
  auto message = kj::heap<capnp::MallocMessageBuilder>();
  auto maps = message->initRoot<schema::ModelerService::ApplyDataMapsParams>().initMaps(1);
  fillDataMap(params[1], relname, compname, modname, maps[0]);
  return services_.internalService("ModelerService", hubMonitor_)
      .then([device, message = kj::mv(message)](capnp::Capability::Client service) mutable {
        auto request = service.castAs<schema::ModelerService>().applyDataMapsRequest();
        request.setDevice(device);
        request.setMaps(
            message->getRoot<schema::ModelerService::ApplyDataMapsParams>().getMaps().asReader());
        return request.send().then(
            [](auto&& response) { return Value::boolean(response.getChanged()); });
      });
}

std::string faultText(const kj::Exception& e) {
  std::string d = e.getDescription().cStr();
  auto at = d.find("zenhub.");
  return at == std::string::npos ? d : d.substr(at);
}

}  // namespace zenhub::hub::xmlrpc
