#include "hub/http/basic_auth.h"

#include <strings.h>

#include <cstdint>

namespace zenhub::hub::http {
namespace {

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> decodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int padding = 0;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      int value;
      if (c == '=' && last && j >= 2) {
        // '=' only at the end: "xx==" or "xxx="
        if (j == 2 && text[i + 3] != '=') return std::nullopt;
        ++padding;
        value = 0;
      } else {
        if (padding > 0) return std::nullopt;
        value = base64Value(c);
        if (value < 0) return std::nullopt;
      }
      group = (group << 6) | static_cast<uint32_t>(value);
    }
    out.push_back(static_cast<char>((group >> 16) & 0xff));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xff));
  }
  return out;
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
