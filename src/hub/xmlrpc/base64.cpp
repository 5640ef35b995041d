#include "hub/xmlrpc/base64.h"

#include <algorithm>
#include <cstdint>

namespace zenhub::hub::xmlrpc {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string encodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t g = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
    if (n > 1) g |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
    if (n > 2) g |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(g >> 18) & 63];
    out += kAlphabet[(g >> 12) & 63];
    out += n > 1 ? kAlphabet[(g >> 6) & 63] : '=';
    out += n > 2 ? kAlphabet[g & 63] : '=';
  }
  return out;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t group = 0;
  int have = 0;     // digits in the current group
  int padding = 0;  // '=' seen (only at the very end)
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '=') {
      // "xx==" or "xxx=": after two or three digits of the last group.
      if (have + padding < 2 || have + padding >= 4) return std::nullopt;
      ++padding;
      continue;
    }
    int d = digit(c);
    if (d < 0 || padding > 0) return std::nullopt;
    group = (group << 6) | static_cast<uint32_t>(d);
    if (++have == 4) {
      out += static_cast<char>((group >> 16) & 0xff);
      out += static_cast<char>((group >> 8) & 0xff);
      out += static_cast<char>(group & 0xff);
      group = 0;
      have = 0;
    }
  }
  if (padding == 0) return have == 0 ? std::optional<std::string>(std::move(out)) : std::nullopt;
  if (have + padding != 4) return std::nullopt;
  group <<= 6 * padding;
  out += static_cast<char>((group >> 16) & 0xff);
  if (padding == 1) out += static_cast<char>((group >> 8) & 0xff);
  return out;
}

}  // namespace zenhub::hub::xmlrpc
