#include "store/json_codec.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace zenhub::store {

std::string jsonString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

std::string encodeDouble(double d) {
  if (!std::isfinite(d)) throw JsonError("cannot encode a non-finite number");
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, end);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  model::Properties parseObject() {
    model::Properties props;
    skipSpace();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      ++pos_;
    } else {
      while (true) {
        skipSpace();
        std::string key = parseString();
        skipSpace();
        expect(':');
        skipSpace();
        props.insert_or_assign(std::move(key), parseValue());
        skipSpace();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        break;
      }
    }
    skipSpace();
    if (pos_ != text_.size()) fail("trailing characters");
    return props;
  }

 private:
  model::Value parseValue() {
    char c = peek();
    if (c == '"') return parseString();
    if (c == '[') return parseList();
    if (text_.substr(pos_, 4) == "true") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "false") {
      pos_ += 5;
      return false;
    }
    return parseNumber();
  }

  model::Value parseNumber() {
    size_t start = pos_;
    while (pos_ < text_.size() && std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    std::string_view num = text_.substr(start, pos_ - start);
    if (num.empty()) fail("expected a value");
    const char* first = num.data();
    const char* last = num.data() + num.size();
    if (num.find_first_of(".eE") == std::string_view::npos) {
      std::int64_t i = 0;
      auto [p, ec] = std::from_chars(first, last, i);
      if (ec != std::errc() || p != last) fail("bad integer");
      return i;
    }
    double d = 0;
    auto [p, ec] = std::from_chars(first, last, d);
    if (ec != std::errc() || p != last) fail("bad number");
    return d;
  }

  model::StringList parseList() {
    expect('[');
    model::StringList list;
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return list;
    }
    while (true) {
      skipSpace();
      list.push_back(parseString());
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(']');
      return list;
    }
  }

  std::string parseString() {
    expect('"');
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (pos_ + 4 > text_.size()) fail("bad \\u escape");
          unsigned code = 0;
          auto [p, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, code, 16);
          if (ec != std::errc() || p != text_.data() + pos_ + 4) fail("bad \\u escape");
          pos_ += 4;
          appendUtf8(out, code);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  static void appendUtf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw JsonError("bad property JSON at offset " + std::to_string(pos_) + ": " + what);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string encodeValue(const model::Value& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return encodeDouble(d); }
    std::string operator()(const std::string& s) const { return jsonString(s); }
    std::string operator()(const model::StringList& l) const {
      std::string out = "[";
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) out += ',';
        out += jsonString(l[i]);
      }
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}

std::string encodeProperties(const model::Properties& properties) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : properties) {
    if (!first) out += ',';
    first = false;
    out += jsonString(key);
    out += ':';
    out += encodeValue(value);
  }
  out += '}';
  return out;
}

model::Properties decodeProperties(std::string_view json) { return Parser(json).parseObject(); }

}  // namespace zenhub::store
