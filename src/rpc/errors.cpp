#include "rpc/errors.h"

#include <kj/string.h>

namespace zenhub::rpc {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kAuthFailed: return "authFailed";
    case ErrorCode::kNotLoggedIn: return "notLoggedIn";
    case ErrorCode::kUnknownService: return "unknownService";
    case ErrorCode::kUnknownMonitor: return "unknownMonitor";
    case ErrorCode::kBusy: return "busy";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kShutdown: return "shutdown";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

kj::Exception makeError(ErrorCode code, const std::string& message) {
  auto type = kj::Exception::Type::FAILED;
  if (code == ErrorCode::kBusy) type = kj::Exception::Type::OVERLOADED;
  return kj::Exception(type, __FILE__, __LINE__,
                       kj::str("zenhub.", errorCodeName(code), ": ", message.c_str()));
}

std::string errorCodeOf(const kj::Exception& e) {
  std::string d = e.getDescription().cStr();
  // Remote exceptions arrive as "remote exception: zenhub.code: ..."; find the marker anywhere.
  auto at = d.find("zenhub.");
  if (at == std::string::npos) return "";
  auto start = at + 7;
  auto end = d.find(':', start);
  if (end == std::string::npos) return "";
  return d.substr(start, end - start);
}

}  // namespace zenhub::rpc
