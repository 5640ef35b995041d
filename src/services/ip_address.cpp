#include "services/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace zenhub::services {

std::string_view stripPrefix(std::string_view address) {
  auto slash = address.find('/');
  return slash == std::string_view::npos ? address : address.substr(0, slash);
}

int ipVersion(std::string_view address) {
  return address.find(':') == std::string_view::npos ? 4 : 6;
}

bool isLoopbackOrWildcard(std::string_view address) {
  std::string ip(stripPrefix(address));
  unsigned char bytes[16] = {};
  if (inet_pton(AF_INET, ip.c_str(), bytes) == 1)
    return bytes[0] == 127 || (bytes[0] | bytes[1] | bytes[2] | bytes[3]) == 0;
  if (inet_pton(AF_INET6, ip.c_str(), bytes) == 1) {
    static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char kAny[16] = {};
    return std::memcmp(bytes, kLoopback, 16) == 0 || std::memcmp(bytes, kAny, 16) == 0;
  }
  return false;
}

}  // namespace zenhub::services
