// IP address text as the model holds it ("10.1.0.11/24", "fe80::1"): what the config services
// need to decide which addresses collectors may use.
#pragma once

#include <string>
#include <string_view>

namespace zenhub::services {

// The address without its "/prefix".
std::string_view stripPrefix(std::string_view address);
// 6 for an IPv6 address, else 4.
int ipVersion(std::string_view address);
// Loopback (127.0.0.0/8, ::1) or wildcard (0.0.0.0, ::): never pinged or polled.
bool isLoopbackOrWildcard(std::string_view address);

}  // namespace zenhub::services
