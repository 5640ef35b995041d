// Encodes XML-RPC answers: a methodResponse carrying one value, or a fault (faultCode int,
// faultString). Integers outside int32 are sent as <i8> (Python reads it); strings are made
// valid XML 1.0 text (invalid UTF-8 and control characters become U+FFFD), so that any client's
// parser accepts every answer.
#pragma once

#include <string>
#include <string_view>

#include "hub/xmlrpc/value.h"

namespace zenhub::hub::xmlrpc {

std::string encodeResponse(const Value& value);
std::string encodeFault(int code, std::string_view message);

}  // namespace zenhub::hub::xmlrpc
