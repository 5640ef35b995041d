// Router: which pool runs a call, and how long it may run, from the configured routes
// (`service:method` patterns, method-first precedence, `*:*` required). Built from a validated
// PoolConfig; a reload builds a new one.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "hub/pool/route_table.h"

namespace zenhub::hub::pool {

struct Route {
  std::string pool;
  std::chrono::milliseconds timeout{0};  // how long a call may run on a worker
};

struct RouteSpec {
  RouteKey key;
  Route route;
};

class Router {
 public:
  // Throws std::invalid_argument when there is no `*:*` route (config validation reports it
  // earlier, with its line and column).
  explicit Router(const std::vector<RouteSpec>& routes);
  const Route& resolve(std::string_view service, std::string_view method) const;

 private:
  RouteTable<Route> table_;
};

}  // namespace zenhub::hub::pool
