// The services built into every worker, registered by ServiceRegistry's constructor.
#pragma once

namespace zenhub::services {

class ServiceRegistry;
void addBuiltinServices(ServiceRegistry& registry);

}  // namespace zenhub::services
