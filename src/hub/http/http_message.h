// The plain data the hub's HTTP endpoints deal in: what a handler sees of a request, what it
// answers, and the Responder through which it answers (now, or later from another handler on the
// loop). Free of Beast, so handlers and their tests need only this header.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zenhub::hub::http {

// One parsed request. Every view points into the connection's buffers and is valid only during
// the handler's call: an asynchronous handler copies what it needs before returning.
struct HttpRequestView {
  std::string_view method;  // "GET", as sent
  std::string_view target;  // as sent: path and query
  std::string_view path;    // the target up to '?', not percent-decoded
  std::string_view query;   // after '?', without it; empty if none
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // in order received
  std::string_view body;
  std::string_view peer;  // "address:port"

  // The first header called `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;  // 100..599; anything else is answered as 500
  std::string contentType = "text/plain; charset=utf-8";  // omitted when empty
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (WWW-Authenticate, Allow)

  // A text/plain response.
  static HttpResponse text(int status, std::string body);
};

// The standard reason phrase of `status` ("Not Found"), "" if unknown.
std::string_view reasonPhrase(int status);

// Hands a handler's response to its connection. Copyable: copies share one answer. The first
// respond() wins; later calls do nothing, and so does a call once the connection is gone (peer
// left, server closed). When the last copy is dropped without an answer, the request gets 500,
// so a handler that loses its responder cannot leave a client waiting forever.
class Responder {
 public:
  // Where the answer goes: the connection (held weakly), or a recorder in tests.
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void deliver(HttpResponse response) = 0;
  };

  explicit Responder(std::weak_ptr<Sink> sink);

  void respond(HttpResponse response) const;
  bool responded() const;

 private:
  struct State {
    std::weak_ptr<Sink> sink;
    bool responded = false;
    ~State();
  };
  std::shared_ptr<State> state_;
};

}  // namespace zenhub::hub::http
