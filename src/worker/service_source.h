// ServiceSource: where the worker gets the capability that implements a service for one
// (service, monitor, options). The production source is the services registry (built-in and
// plugin services on the store); tests and the fault hooks add their own.
#pragma once

#include <capnp/capability.h>

#include <string>
#include <utility>
#include <vector>

namespace zenhub::worker {

using ServiceOptions = std::vector<std::pair<std::string, std::string>>;

class ServiceSource {
 public:
  virtual ~ServiceSource() = default;
  // Every service name this source can make (reported to the hub in hello()).
  virtual std::vector<std::string> names() const = 0;
  // Those of names() whose interface is or extends ConfigService (also in hello()).
  virtual std::vector<std::string> configServices() const = 0;
  // A new capability serving `service` for `monitor`. Throws a kj::Exception
  // ("zenhub.unknownService: ...") for a name it does not know.
  virtual capnp::Capability::Client make(const std::string& service, const std::string& monitor,
                                         const ServiceOptions& options) = 0;
};

}  // namespace zenhub::worker
