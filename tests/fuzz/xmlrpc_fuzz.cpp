// The XML-RPC request decoder (expat under our limits) on arbitrary bytes: a MethodCall or a
// Fault, nothing else. What decodes must survive the encoder: each param, encoded and decoded
// again, encodes to the same text (the encoder writes only what the decoder reads back). The
// methods' param readers (events, datamaps) then run on every param, refusing with a Fault only.
#include <capnp/message.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hub/xmlrpc/fault.h"
#include "hub/xmlrpc/params.h"
#include "hub/xmlrpc/request_decoder.h"
#include "hub/xmlrpc/response_encoder.h"

namespace {

using namespace zenhub::hub::xmlrpc;

std::string asCall(const Value& v) {
  std::string xml = encodeResponse(v);
  const std::string open = "<methodResponse><params>";
  const std::string close = "</params></methodResponse>";
  xml.replace(xml.find(open), open.size(), "<methodCall><methodName>m</methodName><params>");
  xml.replace(xml.find(close), close.size(), "</params></methodCall>");
  return xml;
}

void checkRoundTrip(const Value& v, const DecodeLimits& limits) {
  std::string first = encodeResponse(v);
  MethodCall again;
  try {
    again = decodeMethodCall(asCall(v), limits);
  } catch (const Fault& f) {
    std::fprintf(stderr, "encoded value refused: %s\n%s\n", f.what(), first.c_str());
    std::abort();
  }
  if (again.params.size() != 1 || encodeResponse(again.params[0]) != first) {
    std::fprintf(stderr, "round trip changed the value:\n%s\n", first.c_str());
    std::abort();
  }
}

void readParams(const Value& v) {
  capnp::MallocMessageBuilder message;
  try {
    fillEvent(v, message.initRoot<zenhub::schema::Event>());
  } catch (const Fault&) {
  }
  try {
    fillDataMap(v, v.kind() == Value::Kind::kArray ? "interfaces" : "", "", "",
                message.initRoot<zenhub::schema::DataMap>());
  } catch (const Fault&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodeLimits limits;
  limits.maxValues = 20000;
  limits.maxStringBytes = 64 * 1024;
  MethodCall call;
  try {
    call = decodeMethodCall(body, limits);
  } catch (const Fault& f) {
    if (f.code() != kParseError) std::abort();
    return 0;
  }
  for (const auto& param : call.params) {
    checkRoundTrip(param, limits);
    readParams(param);
  }
  (void)encodeFault(kParseError, body);  // any text makes a fault
  return 0;
}
