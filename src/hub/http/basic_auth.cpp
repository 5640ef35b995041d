#include "hub/http/basic_auth.h"

#include <strings.h>

#include "hub/xmlrpc/base64.h"

namespace zenhub::hub::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> decodeBase64(std::string_view text) {
  // The XML-RPC codec's decoder, without the line breaks it allows inside <base64>.
  if (text.find_first_of(" \t\r\n") != std::string_view::npos) return std::nullopt;
  return xmlrpc::decodeBase64(text);
}

std::optional<BasicCredentials> parseBasicAuth(std::string_view authorization) {
  std::string_view value = trim(authorization);
  constexpr std::string_view kScheme = "Basic";
  if (value.size() <= kScheme.size() ||
      ::strncasecmp(value.data(), kScheme.data(), kScheme.size()) != 0 ||
      (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
    return std::nullopt;
  }
  auto decoded = decodeBase64(trim(value.substr(kScheme.size())));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

HttpResponse unauthorized(std::string_view realm) {
  HttpResponse response = HttpResponse::text(401, "authentication required\n");
  std::string quoted;
  for (char c : realm) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  response.headers.emplace_back("WWW-Authenticate",
                                "Basic realm=\"" + quoted + "\", charset=\"UTF-8\"");
  return response;
}

}  // namespace zenhub::hub::http
