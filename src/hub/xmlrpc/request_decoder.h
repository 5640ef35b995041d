// Decodes an XML-RPC request body (a <methodCall>) with expat, the streaming parser Python's own
// xmlrpc uses. The body is untrusted: every limit below is enforced while parsing, DOCTYPE and
// entity declarations are refused (no entity expansion, no billion laughs), and anything that is
// not a well-formed methodCall is refused. Every failure throws Fault(kParseError) with a message
// saying what and where; nothing else escapes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "hub/xmlrpc/value.h"

namespace zenhub::hub::xmlrpc {

struct DecodeLimits {
  size_t maxBodyBytes = 8u << 20;    // the whole request
  size_t maxDepth = 32;              // arrays and structs nested in each other
  size_t maxValues = 200000;         // <value> elements in the request
  size_t maxStringBytes = 1u << 20;  // one string, name, base64 text or method name
};

struct MethodCall {
  std::string methodName;
  Array params;
};

// Throws Fault(kParseError).
MethodCall decodeMethodCall(std::string_view body, const DecodeLimits& limits = {});

}  // namespace zenhub::hub::xmlrpc
