// HTTP Basic authentication (RFC 7617): the credentials of an `Authorization` header, and the 401
// that asks for them. Checking them against the password file is the caller's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hub/http/http_message.h"

namespace zenhub::hub::http {

struct BasicCredentials {
  std::string user;
  std::string password;  // may contain ':'; only the first colon separates
};

// The credentials in an Authorization header value ("Basic dXNlcjpwYXNz"), or nullopt for any
// other scheme, bad base64 (strict: padded, standard alphabet) or a decoded text without ':'.
// The scheme is case-insensitive; spaces around the token are allowed.
std::optional<BasicCredentials> parseBasicAuth(std::string_view authorization);

// Standard base64 (RFC 4648 section 4) with padding, or nullopt if `text` is not exactly that.
std::optional<std::string> decodeBase64(std::string_view text);

// 401 with `WWW-Authenticate: Basic realm="<realm>", charset="UTF-8"`.
HttpResponse unauthorized(std::string_view realm);

}  // namespace zenhub::hub::http
