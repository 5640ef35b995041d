// The protocol's typed errors. A Cap'n Proto exception crosses the wire as a type and a
// description; zenhub descriptions start with a stable code, "zenhub.<code>: <message>", that
// clients in any language can match (docs/collector-protocol.md lists them).
#pragma once

#include <kj/exception.h>

#include <string>

namespace zenhub::rpc {

enum class ErrorCode {
  kAuthFailed,      // wrong user or password
  kNotLoggedIn,     // a call that needs a login before it
  kUnknownService,  // getService: no such service
  kUnknownMonitor,  // getService: no such collector in the model
  kBusy,            // queue full: retry later
  kTimeout,         // the call outlived its deadline
  kShutdown,        // the hub is draining
  kInternal,        // anything else; the message names the cause
};

const char* errorCodeName(ErrorCode code);

// A kj::Exception carrying the code. DISCONNECTED/OVERLOADED types are used where they tell the
// client what to do (retry), FAILED otherwise.
kj::Exception makeError(ErrorCode code, const std::string& message);

// The code at the start of a description, if any ("zenhub.authFailed: ..." -> "authFailed").
std::string errorCodeOf(const kj::Exception& e);

}  // namespace zenhub::rpc
