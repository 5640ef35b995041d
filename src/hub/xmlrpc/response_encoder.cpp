#include "hub/xmlrpc/response_encoder.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "hub/xmlrpc/base64.h"

namespace zenhub::hub::xmlrpc {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i] that XML 1.0 allows, or 0.
size_t validSequence(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
  size_t len = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
      cp == 0xFFFF)
    return 0;
  return len;
}

void appendText(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = validSequence(s, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    char c = s[i];
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '\r') {
      out += "&#13;";  // kept through the receiver's line-end normalisation
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
}

void appendValue(std::string& out, const Value& v) {
  out += "<value>";
  switch (v.kind()) {
    case Value::Kind::kNil:
      out += "<nil/>";
      break;
    case Value::Kind::kBoolean:
      out += v.asBool() ? "<boolean>1</boolean>" : "<boolean>0</boolean>";
      break;
    case Value::Kind::kInt: {
      int64_t n = v.asInt();
      bool small =
          n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max();
      out += small ? fmt::format("<int>{}</int>", n) : fmt::format("<i8>{}</i8>", n);
      break;
    }
    case Value::Kind::kDouble: {
      double d = v.asDouble();
      // The shortest text that reads back as the same double; nan and inf as Python writes them.
      if (std::isnan(d)) {
        out += "<double>nan</double>";
      } else if (std::isinf(d)) {
        out += d > 0 ? "<double>inf</double>" : "<double>-inf</double>";
      } else {
        out += fmt::format("<double>{}</double>", d);
      }
      break;
    }
    case Value::Kind::kString:
      out += "<string>";
      appendText(out, v.asText());
      out += "</string>";
      break;
    case Value::Kind::kDateTime:
      out += "<dateTime.iso8601>";
      appendText(out, v.asText());
      out += "</dateTime.iso8601>";
      break;
    case Value::Kind::kBase64:
      out += "<base64>" + encodeBase64(v.asText()) + "</base64>";
      break;
    case Value::Kind::kArray:
      out += "<array><data>";
      for (const auto& item : v.asArray()) appendValue(out, item);
      out += "</data></array>";
      break;
    case Value::Kind::kStruct:
      out += "<struct>";
      for (const auto& m : v.asStruct()) {
        out += "<member><name>";
        appendText(out, m.name);
        out += "</name>";
        appendValue(out, m.value);
        out += "</member>";
      }
      out += "</struct>";
      break;
  }
  out += "</value>";
}

constexpr std::string_view kProlog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

}  // namespace

std::string encodeResponse(const Value& value) {
  std::string out(kProlog);
  out += "<methodResponse><params><param>";
  appendValue(out, value);
  out += "</param></params></methodResponse>\n";
  return out;
}

std::string encodeFault(int code, std::string_view message) {
  Struct fault;
  fault.push_back(Member{"faultCode", Value::integer(code)});
  fault.push_back(Member{"faultString", Value::string(std::string(message))});
  std::string out(kProlog);
  out += "<methodResponse><fault>";
  appendValue(out, Value::structure(std::move(fault)));
  out += "</fault></methodResponse>\n";
  return out;
}

}  // namespace zenhub::hub::xmlrpc
