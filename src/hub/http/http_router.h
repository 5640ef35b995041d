// HttpRouter: which handler answers (method, path). Exact paths, no patterns. A plain table the
// server consults; the decisions (404, 405 with Allow, HEAD served by GET) are made here, apart
// from the I/O.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "hub/http/http_message.h"

namespace zenhub::hub::http {

// A handler answers through `responder`, at once or later (from another handler on the loop,
// through a copy it keeps).
using AsyncHandler =
    std::function<void(const HttpRequestView& request, const Responder& responder)>;
// A handler that answers at once.
using SyncHandler = std::function<HttpResponse(const HttpRequestView& request)>;

class HttpRouter {
 public:
  // Throws std::logic_error for an empty method, a path not starting with '/', or a
  // (method, path) already routed: a bug in the caller's set-up.
  void add(std::string method, std::string path, AsyncHandler handler);

  struct Match {
    const AsyncHandler* handler = nullptr;  // set when found; owned by the router
    int status = 200;                       // otherwise 404, or 405 with `allow`
    std::string allow;                      // "GET, POST": the methods `path` has
    bool head = false;                      // a HEAD served by the GET handler: send no body
  };
  // A HEAD request without its own route is served by the path's GET handler.
  Match match(std::string_view method, std::string_view path) const;

 private:
  // path -> method -> handler
  std::map<std::string, std::map<std::string, AsyncHandler, std::less<>>, std::less<>> routes_;
};

}  // namespace zenhub::hub::http
