#include "hub/http/http_router.h"

#include <stdexcept>

namespace zenhub::hub::http {

void HttpRouter::add(std::string method, std::string path, AsyncHandler handler) {
  if (method.empty()) throw std::logic_error("HttpRouter: empty method for " + path);
  if (path.empty() || path[0] != '/') {
    throw std::logic_error("HttpRouter: path must start with '/': \"" + path + "\"");
  }
  if (!handler) throw std::logic_error("HttpRouter: no handler for " + method + " " + path);
  auto& methods = routes_[path];
  if (!methods.emplace(method, std::move(handler)).second) {
    throw std::logic_error("HttpRouter: " + method + " " + path + " routed twice");
  }
}

HttpRouter::Match HttpRouter::match(std::string_view method, std::string_view path) const {
  Match result;
  auto found = routes_.find(path);
  if (found == routes_.end()) {
    result.status = 404;
    return result;
  }
  const auto& methods = found->second;
  if (auto it = methods.find(method); it != methods.end()) {
    result.handler = &it->second;
    return result;
  }
  if (method == "HEAD") {
    if (auto it = methods.find("GET"); it != methods.end()) {
      result.handler = &it->second;
      result.head = true;
      return result;
    }
  }
  result.status = 405;
  for (const auto& [name, handler] : methods) {
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += name;
  }
  if (methods.count("GET") != 0 && methods.count("HEAD") == 0) result.allow += ", HEAD";
  return result;
}

}  // namespace zenhub::hub::http
