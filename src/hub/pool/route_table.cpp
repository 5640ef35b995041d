#include "hub/pool/route_table.h"

namespace zenhub::hub::pool {

namespace {
bool validPart(std::string_view part) {
  if (part.empty()) return false;
  return part == "*" || part.find('*') == std::string_view::npos;
}
}  // namespace

std::optional<RouteKey> parseRouteKey(std::string_view text, std::string& error) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
    error = "'" + std::string(text) + "' is not service:method";
    return std::nullopt;
  }
  RouteKey key{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  if (!validPart(key.service) || !validPart(key.method)) {
    error = "'" + std::string(text) + "': each part must be a name or '*'";
    return std::nullopt;
  }
  return key;
}

}  // namespace zenhub::hub::pool
