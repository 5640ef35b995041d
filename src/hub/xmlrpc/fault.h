// XML-RPC faults: the codes (those of the common "specification for fault code interoperability"
// that Python's xmlrpc and most servers use) and the exception that carries one to the edge,
// where it becomes a <fault> answer.
#pragma once

#include <stdexcept>
#include <string>

namespace zenhub::hub::xmlrpc {

enum FaultCode : int {
  kParseError = -32700,      // not well-formed XML, not a methodCall, over a limit
  kMethodNotFound = -32601,  // no such method
  kInvalidParams = -32602,   // wrong number or type of params
  kServiceError = -32500,    // the service (or the hub: busy, shutting down) refused the call
};

class Fault : public std::runtime_error {
 public:
  Fault(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace zenhub::hub::xmlrpc
