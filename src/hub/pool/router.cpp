#include "hub/pool/router.h"

#include <stdexcept>

namespace zenhub::hub::pool {

Router::Router(const std::vector<RouteSpec>& routes) {
  for (const auto& r : routes) table_.set(r.key, r.route);
  if (!table_.hasCatchAll()) throw std::invalid_argument("routes: a '*:*' route is required");
}

const Route& Router::resolve(std::string_view service, std::string_view method) const {
  return *table_.find(service, method);  // never null: `*:*` exists
}

}  // namespace zenhub::hub::pool
