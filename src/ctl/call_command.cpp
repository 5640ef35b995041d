// `zenhubctl call [hub flags] SERVICE METHOD [ARG...]`: logs in as a collector, calls one method
// and prints its results as JSON. `Hub ping` calls the hub itself. Each ARG is `field=value` or,
// positionally, the next parameter; a value is JSON when it parses as JSON, else a string:
//   zenhubctl call --password-file pw PingConfig getDeviceConfigs 'names=["web01"]'
#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <kj/async-io.h>

#include <iostream>
#include <memory>

#include "ctl/command.h"
#include "ctl/hub_options.h"
#include "ctl/service_schemas.h"

namespace zenhub::ctl {

namespace {

bool isJson(const capnp::JsonCodec& codec, const std::string& text) {
  capnp::MallocMessageBuilder scratch;
  try {
    codec.decodeRaw(kj::StringPtr(text.c_str()), scratch.initRoot<capnp::JsonValue>());
    return true;
  } catch (const kj::Exception&) {
    return false;
  }
}

std::string quoteJson(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// The params object as JSON text from the command line's ARGs.
std::string paramsJson(const capnp::JsonCodec& codec, capnp::StructSchema params, const std::vector<std::string>& args) {
  std::string json = "{";
  auto fields = params.getFields();
  unsigned positional = 0;
  for (const auto& arg : args) {
    std::string key, value;
    auto eq = arg.find('=');
    if (eq != std::string::npos && params.findFieldByName(arg.substr(0, eq)) != nullptr) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else {
      if (positional >= fields.size()) throw std::invalid_argument("too many arguments: '" + arg + "'");
      key = fields[positional++].getProto().getName();
      value = arg;
    }
    json += (json.size() > 1 ? "," : "") + quoteJson(key) + ":" + (isJson(codec, value) ? value : quoteJson(value));
  }
  return json + "}";
}

int runCall(const HubFlags& flags, const std::string& service, const std::string& method,
            const std::vector<std::string>& args) {
  auto schema = findServiceSchema(service);
  if (!schema) {
    std::cerr << "zenhubctl call: unknown service '" << service << "'; known:";
    for (const auto& n : knownServiceNames()) std::cerr << " " << n;
    std::cerr << "\n";
    return 2;
  }
  KJ_IF_MAYBE(m, schema->interface.findMethodByName(method)) {
    auto options = toClientOptions(flags, "zenhubctl");
    auto io = kj::setupAsyncIo();
    client::HubClient hub(io, options);
    std::string lastProblem;
    hub.onLog([&](const std::string& line) { lastProblem = line; });
    auto timeout = static_cast<int64_t>(flags.timeoutSeconds * 1000) * kj::MILLISECONDS;
    auto deadline = [&](const char* what) {
      return io.provider->getTimer().afterDelay(timeout).then([what, &lastProblem]() -> kj::Promise<void> {
        return KJ_EXCEPTION(DISCONNECTED, kj::str(what, " timed out; last: ", lastProblem.c_str()));
      });
    };
    capnp::JsonCodec codec;
    try {
      hub.whenConnected().exclusiveJoin(deadline("connecting")).wait(io.waitScope);
      capnp::Capability::Client target = service == "Hub" ? capnp::Capability::Client(hub.hub())
                                                          : hub.service(service).get().wait(io.waitScope);
      auto cap = target.castAs<capnp::DynamicCapability>(schema->interface);
      auto request = cap.newRequest(*m);
      auto json = paramsJson(codec, m->getParamType(), args);
      codec.decode(kj::StringPtr(json.c_str()), request);
      auto response = request.send().wait(io.waitScope);
      std::cout << codec.encode(capnp::DynamicStruct::Reader(response)).cStr() << "\n";
      return 0;
    } catch (const kj::Exception& e) {
      std::cerr << "zenhubctl call: " << e.getDescription().cStr() << "\n";
      return 1;
    } catch (const std::invalid_argument& e) {
      std::cerr << "zenhubctl call: " << e.what() << "\n";
      return 2;
    }
  }
  std::cerr << "zenhubctl call: " << service << " has no method '" << method << "'\n";
  return 2;
}

}  // namespace

void addCallCommand(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("call", "Call a service method as a collector and print the result as JSON");
  auto flags = std::make_shared<HubFlags>();
  auto service = std::make_shared<std::string>();
  auto method = std::make_shared<std::string>();
  auto args = std::make_shared<std::vector<std::string>>();
  addHubFlags(*cmd, *flags);
  cmd->add_option("service", *service, "Service name (Hub for the hub itself)")->required();
  cmd->add_option("method", *method, "Method name")->required();
  cmd->add_option("args", *args, "Parameters: field=value or positional; values are JSON or strings");
  cmd->callback([=, &exitCode]() {
    try {
      exitCode = runCall(*flags, *service, *method, *args);
    } catch (const std::exception& e) {
      std::cerr << "zenhubctl call: " << e.what() << "\n";
      exitCode = 2;
    }
  });
}

}  // namespace zenhub::ctl
