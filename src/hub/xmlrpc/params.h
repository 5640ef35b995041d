// Reading XML-RPC params into the services' Cap'n Proto types. Every problem throws
// Fault(kInvalidParams) naming the method's argument and what was expected.
#pragma once

#include <string>
#include <string_view>

#include "hub/xmlrpc/value.h"
#include "services.capnp.h"

namespace zenhub::hub::xmlrpc {

// Checks the number of params: between `min` and `max`. `signature` ("getConfigs(monitor,
// dstype)") is named in the fault.
void expectParams(const Array& params, size_t min, size_t max, std::string_view signature);
// The param as a string (a string or an untyped value); `what` names it in the fault.
std::string stringParam(const Value& value, std::string_view what);

// A scalar as text, for event fields and details: strings as they are, numbers in decimal,
// booleans "true"/"false", nil "". Arrays, structs and base64 are refused.
std::string scalarText(const Value& value, std::string_view what);

// An event struct: device, component, eventClass, eventKey, summary, message, agent, monitor
// (text), severity (0..5, an int or a numeric string), timestamp (seconds since the epoch: a
// double, an int or a numeric string) to the Event's fields; every other key to details, as text.
void fillEvent(const Value& event, schema::Event::Builder out);

// A property value: string -> text, int, double, boolean, nil -> none (removes the property), an
// array of scalars -> a list of text.
void fillPropertyValue(const Value& value, schema::Value::Builder out, std::string_view what);

// applyDataMap's datamap: a struct is an ObjectMap of the device (compname "") or of the
// component at `compname` (class `modname`); its key "id" is the object's id (default: the last
// part of compname), every other key a property. An array of structs, with `relname`, is a
// RelationshipMap: the whole content of that relationship.
void fillDataMap(const Value& datamap, const std::string& relname, const std::string& compname,
                 const std::string& modname, schema::DataMap::Builder out);

}  // namespace zenhub::hub::xmlrpc
