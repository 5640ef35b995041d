// RouteTable<T>: values keyed by "service:method" patterns where either part may be `*`, looked
// up method-first, as ZenHub resolves its routes: `Svc:m`, then `*:m`, then `Svc:*`, then `*:*`.
// The router (pools) and the priority map use it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace zenhub::hub::pool {

struct RouteKey {
  std::string service;  // a name or "*"
  std::string method;   // a name or "*"
  std::string str() const { return service + ":" + method; }
};

// Parses "service:method". Returns nullopt and sets `error` for anything else (no colon, an
// empty part, a `*` inside a name: only whole-part wildcards are supported).
std::optional<RouteKey> parseRouteKey(std::string_view text, std::string& error);

template <typename T>
class RouteTable {
 public:
  void set(const RouteKey& key, T value) { entries_[{key.service, key.method}] = std::move(value); }

  const T* find(std::string_view service, std::string_view method) const {
    for (auto [s, m] : {std::pair{service, method}, std::pair{std::string_view("*"), method},
                        std::pair{service, std::string_view("*")},
                        std::pair{std::string_view("*"), std::string_view("*")}}) {
      auto it = entries_.find({std::string(s), std::string(m)});
      if (it != entries_.end()) return &it->second;
    }
    return nullptr;
  }

  bool hasCatchAll() const { return entries_.count({"*", "*"}) != 0; }
  size_t size() const { return entries_.size(); }
  const std::map<std::pair<std::string, std::string>, T>& entries() const { return entries_; }

 private:
  std::map<std::pair<std::string, std::string>, T> entries_;
};

}  // namespace zenhub::hub::pool
