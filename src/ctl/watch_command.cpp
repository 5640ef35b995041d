// `zenhubctl watch [hub flags] --monitor M SERVICE`: logs in as a collector of M, registers a
// listener on SERVICE and prints one JSON line per event: {"event":"connected"}, the service's
// current configs ({"event":"initial",...}, config services), then every push the hub sends
// ({"event":"updateDeviceConfigs","configs":[...]}, ...). It reconnects by itself (the client
// library) and runs until SIGINT/SIGTERM, or until --count pushes have arrived.
#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "ctl/command.h"
#include "ctl/hub_options.h"
#include "ctl/service_schemas.h"

namespace zenhub::ctl {

namespace {

void emit(const std::string& line) { std::cout << line << std::endl; }

std::string configsJson(const capnp::JsonCodec& codec, std::optional<capnp::StructSchema> configType,
                        capnp::List<schema::DeviceConfig<capnp::AnyPointer>>::Reader configs) {
  std::string out = "[";
  for (auto c : configs) {
    out += out.size() > 1 ? "," : "";
    out += std::string("{\"deviceId\":") + codec.encode(capnp::DynamicValue::Reader(c.getDeviceId()), capnp::Type(capnp::schema::Type::TEXT)).cStr() +
           ",\"configId\":" + codec.encode(capnp::DynamicValue::Reader(c.getConfigId()), capnp::Type(capnp::schema::Type::TEXT)).cStr() +
           ",\"manageIp\":" + codec.encode(capnp::DynamicValue::Reader(c.getManageIp()), capnp::Type(capnp::schema::Type::TEXT)).cStr();
    if (configType && c.hasConfig()) {
      out += std::string(",\"config\":") +
             codec.encode(capnp::DynamicStruct::Reader(c.getConfig().getAs<capnp::DynamicStruct>(*configType))).cStr();
    }
    out += "}";
  }
  return out + "]";
}

// Prints every push as a JSON line.
class PrintingListener final : public schema::ServiceListener<>::Server {
 public:
  PrintingListener(std::optional<capnp::StructSchema> configType, std::function<void()> counted)
      : configType_(configType), counted_(std::move(counted)) {}

  kj::Promise<void> updateDeviceConfigs(UpdateDeviceConfigsContext context) override {
    emit("{\"event\":\"updateDeviceConfigs\",\"configs\":" + configsJson(codec_, configType_, context.getParams().getConfigs()) + "}");
    counted_();
    return kj::READY_NOW;
  }
  kj::Promise<void> deleteDevices(DeleteDevicesContext context) override {
    emit("{\"event\":\"deleteDevices\",\"deviceIds\":" + text(context.getParams().getDeviceIds()) + "}");
    counted_();
    return kj::READY_NOW;
  }
  kj::Promise<void> notifyConfigChanged(NotifyConfigChangedContext) override {
    emit("{\"event\":\"notifyConfigChanged\"}");
    counted_();
    return kj::READY_NOW;
  }
  kj::Promise<void> updateThresholdClasses(UpdateThresholdClassesContext context) override {
    emit("{\"event\":\"updateThresholdClasses\",\"classes\":" + text(context.getParams().getClasses()) + "}");
    counted_();
    return kj::READY_NOW;
  }
  kj::Promise<void> setPropertyItems(SetPropertyItemsContext context) override {
    auto items = context.getParams().getItems();
    emit(std::string("{\"event\":\"setPropertyItems\",\"items\":") +
         codec_.encode(capnp::DynamicValue::Reader(items), capnp::Type::from<capnp::List<schema::PropertyItem>>()).cStr() + "}");
    counted_();
    return kj::READY_NOW;
  }

 private:
  std::string text(capnp::List<capnp::Text>::Reader list) {
    return codec_.encode(capnp::DynamicValue::Reader(list), capnp::Type::from<capnp::List<capnp::Text>>()).cStr();
  }
  capnp::JsonCodec codec_;
  std::optional<capnp::StructSchema> configType_;
  std::function<void()> counted_;
};

int runWatch(const HubFlags& flags, const std::string& service, int count) {
  auto schema = findServiceSchema(service);
  if (!schema || service == "Hub") {
    std::cerr << "zenhubctl watch: unknown service '" << service << "'\n";
    return 2;
  }
  kj::UnixEventPort::captureSignal(SIGINT);
  kj::UnixEventPort::captureSignal(SIGTERM);
  auto io = kj::setupAsyncIo();
  client::HubClient hub(io, toClientOptions(flags, "zenhubctl-watch"));
  hub.onLog([](const std::string& line) { std::cerr << "zenhubctl watch: " << line << "\n"; });
  auto done = kj::newPromiseAndFulfiller<void>();
  int seen = 0;
  auto listener = kj::heap<PrintingListener>(schema->config, [&]() {
    if (count > 0 && ++seen >= count) done.fulfiller->fulfill();
  });
  auto ref = hub.service(service, capnp::Capability::Client(kj::mv(listener)));
  try {
    hub.whenConnected().wait(io.waitScope);
    emit("{\"event\":\"connected\",\"service\":\"" + service + "\",\"monitor\":\"" + flags.monitor + "\"}");
    auto cap = ref.get().wait(io.waitScope);
    if (schema->config) {
      capnp::JsonCodec codec;
      auto configs = cap.castAs<schema::ConfigService<>>().getDeviceConfigsRequest().send().wait(io.waitScope);
      emit("{\"event\":\"initial\",\"configs\":" + configsJson(codec, schema->config, configs.getConfigs()) + "}");
    }
  } catch (const kj::Exception& e) {
    std::cerr << "zenhubctl watch: " << e.getDescription().cStr() << "\n";
    return 1;
  }
  auto signal = io.unixEventPort.onSignal(SIGINT)
                    .exclusiveJoin(io.unixEventPort.onSignal(SIGTERM))
                    .then([](siginfo_t) {});
  signal.exclusiveJoin(kj::mv(done.promise)).wait(io.waitScope);
  return 0;
}

}  // namespace

void addWatchCommand(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("watch", "Register a listener as a collector and print each push as a JSON line");
  auto flags = std::make_shared<HubFlags>();
  auto service = std::make_shared<std::string>();
  auto count = std::make_shared<int>(0);
  addHubFlags(*cmd, *flags);
  cmd->add_option("service", *service, "Service to listen on, e.g. PingConfig")->required();
  cmd->add_option("--count", *count, "Exit after this many pushes (0: run until a signal)");
  cmd->callback([=, &exitCode]() {
    try {
      exitCode = runWatch(*flags, *service, *count);
    } catch (const std::exception& e) {
      std::cerr << "zenhubctl watch: " << e.what() << "\n";
      exitCode = 2;
    }
  });
}

}  // namespace zenhub::ctl
