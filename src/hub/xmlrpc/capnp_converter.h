// A Cap'n Proto value (read through its schema, capnp/dynamic.h) as an XML-RPC value, so each
// XML-RPC method answers with whatever the typed service returned, without a converter per type:
//   struct       -> struct, member names the schema's (camelCase) field names; a group (and a
//                   named union) is a nested struct; of a union only the active member is present
//   a struct that is nothing but an unnamed union (Value, Bound) -> its active member's value,
//                   so a property reads {"name": "x", "value": 60}, not {"value": {"int": 60}}
//   list         -> array;   Text -> string;   Data -> base64;   enum -> its enumerant's name
//   Bool, ints, floats -> boolean, int, double (a UInt64 above int64 as a double)
//   Void         -> nil when it is the active union member, omitted as a plain field
//   interface / AnyPointer fields -> omitted (nothing an XML-RPC client could use)
#pragma once

#include <capnp/dynamic.h>

#include "hub/xmlrpc/value.h"

namespace zenhub::hub::xmlrpc {

Value fromCapnp(capnp::DynamicStruct::Reader reader);
Value fromCapnp(const capnp::DynamicValue::Reader& value);

}  // namespace zenhub::hub::xmlrpc
