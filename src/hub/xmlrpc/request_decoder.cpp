#include "hub/xmlrpc/request_decoder.h"

#include <expat.h>

#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>

#include "hub/xmlrpc/base64.h"
#include "hub/xmlrpc/fault.h"

namespace zenhub::hub::xmlrpc {

namespace {

enum class Elem {
  kMethodCall,
  kMethodName,
  kParams,
  kParam,
  kValue,
  kScalar,
  kNil,
  kStruct,
  kMember,
  kName,
  kArray,
  kData
};
enum class Scalar { kInt, kBoolean, kString, kDouble, kDateTime, kBase64 };

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool blank(std::string_view s) {
  for (char c : s) {
    if (!isSpace(c)) return false;
  }
  return true;
}

std::string_view trimSpace(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The scalar types a <value> may hold ("ex:" prefixed ones are the Apache extensions' names).
std::optional<Scalar> scalarType(std::string_view name) {
  if (name == "int" || name == "i4" || name == "i8" || name == "ex:i8") return Scalar::kInt;
  if (name == "boolean") return Scalar::kBoolean;
  if (name == "string") return Scalar::kString;
  if (name == "double") return Scalar::kDouble;
  if (name == "dateTime.iso8601") return Scalar::kDateTime;
  if (name == "base64") return Scalar::kBase64;
  return std::nullopt;
}

struct Frame {
  Elem elem;
  std::string tag;  // as sent, for messages
  Scalar scalar = Scalar::kString;
  std::string text;
  std::optional<Value> value;       // value: its typed child; member: its value
  std::optional<std::string> name;  // member
  bool sawChild = false;            // value: a typed child; param: its value; array: its data
  bool sawMethodName = false;       // methodCall
  bool sawParams = false;           // methodCall
  Array items;                      // array, data
  Struct members;                   // struct
  std::unordered_map<std::string, size_t> index;  // struct: member name -> position
};

class Decoder {
 public:
  explicit Decoder(const DecodeLimits& limits) : limits_(limits) {}

  MethodCall run(std::string_view body) {
    if (body.size() > limits_.maxBodyBytes) {
      throw Fault(kParseError, "request body of " + std::to_string(body.size()) +
                                   " bytes is over the limit of " +
                                   std::to_string(limits_.maxBodyBytes));
    }
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                        &XML_ParserFree);
    if (!parser) throw Fault(kParseError, "cannot create an XML parser");
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &Decoder::onStart, &Decoder::onEnd);
    XML_SetCharacterDataHandler(parser_, &Decoder::onText);
    XML_SetStartDoctypeDeclHandler(parser_, &Decoder::onDoctype);
    XML_SetEntityDeclHandler(parser_, &Decoder::onEntity);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
    auto status = XML_Parse(parser_, body.data(), static_cast<int>(body.size()), XML_TRUE);
    if (!error_.empty()) throw Fault(kParseError, error_);
    if (status != XML_STATUS_OK) {
      throw Fault(kParseError, std::string("malformed XML: ") +
                                   XML_ErrorString(XML_GetErrorCode(parser_)) + " at line " +
                                   std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
                                   std::to_string(XML_GetCurrentColumnNumber(parser_)));
    }
    if (!done_) throw Fault(kParseError, "not a methodCall");
    return std::move(call_);
  }

 private:
  static void XMLCALL onStart(void* self, const XML_Char* name, const XML_Char**) {
    static_cast<Decoder*>(self)->start(name);
  }
  static void XMLCALL onEnd(void* self, const XML_Char*) { static_cast<Decoder*>(self)->end(); }
  static void XMLCALL onText(void* self, const XML_Char* text, int len) {
    static_cast<Decoder*>(self)->characters(std::string_view(text, static_cast<size_t>(len)));
  }
  static void XMLCALL onDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    static_cast<Decoder*>(self)->fail("DOCTYPE declarations are refused");
  }
  static void XMLCALL onEntity(void* self, const XML_Char*, int, const XML_Char*, int,
                               const XML_Char*, const XML_Char*, const XML_Char*, const XML_Char*) {
    static_cast<Decoder*>(self)->fail("entity declarations are refused");
  }

  // Records the first problem and stops expat (no exception may cross its C frames).
  void fail(std::string message) {
    if (!error_.empty()) return;
    error_ =
        std::move(message) + " (line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ")";
    XML_StopParser(parser_, XML_FALSE);
  }

  void push(Elem elem, std::string_view tag) {
    Frame f;
    f.elem = elem;
    f.tag = tag;
    stack_.push_back(std::move(f));
  }

  void start(std::string_view name) {
    if (!error_.empty()) return;
    if (stack_.empty()) {
      if (done_ || name != "methodCall")
        return fail("not a methodCall: the document is <" + std::string(name) + ">");
      return push(Elem::kMethodCall, name);
    }
    Frame& parent = stack_.back();
    auto unexpected = [&]() {
      fail("unexpected <" + std::string(name) + "> in <" + parent.tag + ">");
    };
    switch (parent.elem) {
      case Elem::kMethodCall:
        if (name == "methodName" && !parent.sawMethodName) {
          parent.sawMethodName = true;
          return push(Elem::kMethodName, name);
        }
        if (name == "params" && !parent.sawParams) {
          parent.sawParams = true;
          return push(Elem::kParams, name);
        }
        return unexpected();
      case Elem::kParams:
        if (name == "param") return push(Elem::kParam, name);
        return unexpected();
      case Elem::kParam:
        if (name == "value" && !parent.sawChild) {
          parent.sawChild = true;
          return startValue(name);
        }
        return unexpected();
      case Elem::kMember:
        if (name == "name" && !parent.name) {
          parent.name = std::string();
          return push(Elem::kName, name);
        }
        if (name == "value" && !parent.value) {
          parent.value = Value();
          return startValue(name);
        }
        return unexpected();
      case Elem::kData:
        if (name == "value") return startValue(name);
        return unexpected();
      case Elem::kStruct:
        if (name == "member") return push(Elem::kMember, name);
        return unexpected();
      case Elem::kArray:
        if (name == "data" && !parent.sawChild) {
          parent.sawChild = true;
          return push(Elem::kData, name);
        }
        return unexpected();
      case Elem::kValue: {
        if (parent.sawChild) return unexpected();
        if (!blank(parent.text))
          return fail("a <value> holds both text and <" + std::string(name) + ">");
        parent.sawChild = true;
        parent.text.clear();
        if (auto scalar = scalarType(name)) {
          push(Elem::kScalar, name);
          stack_.back().scalar = *scalar;
          return;
        }
        if (name == "nil" || name == "ex:nil") return push(Elem::kNil, name);
        if (name == "struct" || name == "array") {
          if (++depth_ > limits_.maxDepth) {
            return fail("values nested deeper than " + std::to_string(limits_.maxDepth));
          }
          return push(name == "struct" ? Elem::kStruct : Elem::kArray, name);
        }
        return fail("unknown value type <" + std::string(name) + ">");
      }
      case Elem::kMethodName:
      case Elem::kName:
      case Elem::kScalar:
      case Elem::kNil:
        return unexpected();
    }
  }

  void startValue(std::string_view name) {
    if (++values_ > limits_.maxValues)
      return fail("more than " + std::to_string(limits_.maxValues) + " values");
    push(Elem::kValue, name);
  }

  void characters(std::string_view text) {
    if (!error_.empty() || stack_.empty()) return;
    Frame& top = stack_.back();
    switch (top.elem) {
      case Elem::kValue:
        if (top.sawChild) {
          if (!blank(text)) fail("a <value> holds both an element and text");
          return;
        }
        [[fallthrough]];
      case Elem::kMethodName:
      case Elem::kName:
      case Elem::kScalar:
        if (top.text.size() + text.size() > limits_.maxStringBytes) {
          return fail("text in <" + top.tag + "> longer than " +
                      std::to_string(limits_.maxStringBytes) + " bytes");
        }
        top.text.append(text);
        return;
      default:
        if (!blank(text)) fail("unexpected text in <" + top.tag + ">");
        return;
    }
  }

  void end() {
    if (!error_.empty()) return;
    Frame done = std::move(stack_.back());
    stack_.pop_back();
    switch (done.elem) {
      case Elem::kMethodCall:
        if (!done.sawMethodName) return fail("a methodCall without a methodName");
        done_ = true;
        return;
      case Elem::kMethodName: {
        if (done.text.empty()) return fail("an empty methodName");
        for (char c : done.text) {
          bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '/';
          if (!ok) return fail("a methodName may hold letters, digits, _ . : / only");
        }
        call_.methodName = std::move(done.text);
        return;
      }
      case Elem::kParams:
        return;
      case Elem::kParam:
        if (!done.sawChild) return fail("a <param> without a <value>");
        return;
      case Elem::kScalar: {
        auto value = scalar(done);
        if (value) stack_.back().value = std::move(*value);
        return;
      }
      case Elem::kNil:
        if (!blank(done.text)) return fail("text in <nil/>");
        stack_.back().value = Value();
        return;
      case Elem::kStruct:
        --depth_;
        stack_.back().value = Value::structure(std::move(done.members));
        return;
      case Elem::kArray:
        --depth_;
        stack_.back().value = Value::array(std::move(done.items));
        return;
      case Elem::kData:
        stack_.back().items = std::move(done.items);
        return;
      case Elem::kName:
        stack_.back().name = std::move(done.text);
        return;
      case Elem::kMember: {
        if (!done.name) return fail("a struct <member> without a <name>");
        if (!done.value) return fail("struct member '" + *done.name + "' without a <value>");
        Frame& s = stack_.back();
        auto [it, added] = s.index.emplace(*done.name, s.members.size());
        if (added) {
          s.members.push_back(Member{std::move(*done.name), std::move(*done.value)});
        } else {
          s.members[it->second].value = std::move(*done.value);  // the last one wins, as in Python
        }
        return;
      }
      case Elem::kValue: {
        Value v = done.sawChild ? std::move(*done.value) : Value::string(std::move(done.text));
        Frame& parent = stack_.back();
        switch (parent.elem) {
          case Elem::kParam:
            call_.params.push_back(std::move(v));
            return;
          case Elem::kMember:
            parent.value = std::move(v);
            return;
          case Elem::kData:
            parent.items.push_back(std::move(v));
            return;
          default:
            return fail("a <value> out of place");
        }
      }
    }
  }

  std::optional<Value> scalar(const Frame& f) {
    std::string_view text = trimSpace(f.text);
    switch (f.scalar) {
      case Scalar::kString:
        return Value::string(f.text);
      case Scalar::kInt: {
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        int64_t n = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          fail("bad <" + f.tag + "> '" + std::string(text.substr(0, 40)) + "'");
          return std::nullopt;
        }
        return Value::integer(n);
      }
      case Scalar::kBoolean:
        if (text == "0" || text == "1") return Value::boolean(text == "1");
        fail("bad <boolean> '" + std::string(text.substr(0, 40)) + "' (0 or 1)");
        return std::nullopt;
      case Scalar::kDouble: {
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        double d = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          fail("bad <double> '" + std::string(text.substr(0, 40)) + "'");
          return std::nullopt;
        }
        return Value::real(d);
      }
      case Scalar::kDateTime:
        if (text.empty() || text.size() > 64) {
          fail("bad <dateTime.iso8601> '" + std::string(text.substr(0, 40)) + "'");
          return std::nullopt;
        }
        return Value::dateTime(std::string(text));
      case Scalar::kBase64: {
        auto bytes = decodeBase64(f.text);
        if (!bytes) {
          fail("bad <base64>");
          return std::nullopt;
        }
        return Value::base64(std::move(*bytes));
      }
    }
    return std::nullopt;
  }

  const DecodeLimits& limits_;
  XML_Parser parser_ = nullptr;
  std::vector<Frame> stack_;
  std::string error_;
  size_t values_ = 0;
  size_t depth_ = 0;
  bool done_ = false;
  MethodCall call_;
};

}  // namespace

MethodCall decodeMethodCall(std::string_view body, const DecodeLimits& limits) {
  return Decoder(limits).run(body);
}

}  // namespace zenhub::hub::xmlrpc
