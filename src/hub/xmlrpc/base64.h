// Base64 (RFC 4648 section 4, standard alphabet, padded) for XML-RPC's <base64>: clients wrap
// the text in lines (Python every 76 characters), so whitespace is skipped when decoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zenhub::hub::xmlrpc {

std::string encodeBase64(std::string_view bytes);
// The bytes, or nullopt when `text` (whitespace aside) is not padded standard base64.
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace zenhub::hub::xmlrpc
