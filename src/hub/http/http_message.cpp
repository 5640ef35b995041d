#include "hub/http/http_message.h"

#include <strings.h>

namespace zenhub::hub::http {

std::optional<std::string_view> HttpRequestView::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), key.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

HttpResponse HttpResponse::text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

Responder::Responder(std::weak_ptr<Sink> sink) : state_(std::make_shared<State>()) {
  state_->sink = std::move(sink);
}

void Responder::respond(HttpResponse response) const {
  if (state_->responded) return;
  state_->responded = true;
  if (auto sink = state_->sink.lock()) sink->deliver(std::move(response));
}

bool Responder::responded() const {
  return state_->responded;
}

Responder::State::~State() {
  if (responded) return;
  if (auto target = sink.lock()) {
    target->deliver(HttpResponse::text(500, "the handler dropped the request without answering\n"));
  }
}

}  // namespace zenhub::hub::http
