#include "vl/insert/loki_labels.h"

#include "vl/common/utf8.h"

namespace vl::insert {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Loki itself wants Prometheus names, but clients do not check (winston-loki pastes label keys
// such as `service-name` as they are) and VictoriaLogs takes whatever precedes `=`; so do we,
// short of the bytes that delimit the syntax.
bool IsNameChar(char c) { return !IsSpace(c) && c != '=' && c != ',' && c != '{' && c != '}' && c != '"'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class LabelsReader {
 public:
  explicit LabelsReader(std::string_view s) : s_(s) {}

  Status Read(std::vector<std::pair<std::string, std::string>>* out) {
    SkipSpaces();
    if (pos_ == s_.size()) return Status::OK();  // no labels at all
    if (s_[pos_] != '{') return Error("want `{`");
    ++pos_;
    SkipSpaces();
    if (Peek() == '}') return End();
    for (;;) {
      std::string name, value;
      VL_RETURN_IF_ERROR(Name(&name));
      SkipSpaces();
      if (Peek() != '=') return Error("want `=` after label name \"" + name + "\"");
      ++pos_;
      SkipSpaces();
      VL_RETURN_IF_ERROR(Quoted(&value));
      out->emplace_back(std::move(name), std::move(value));
      SkipSpaces();
      if (Peek() == ',') {
        ++pos_;
        SkipSpaces();
        if (Peek() == '}') return End();  // trailing comma
        continue;
      }
      if (Peek() == '}') return End();
      return Error("want `,` or `}`");
    }
  }

 private:
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void SkipSpaces() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("cannot parse Loki labels \"" + std::string(s_.substr(0, 200)) + "\" at byte " +
                                   std::to_string(pos_) + ": " + what);
  }
  Status End() {
    ++pos_;
    SkipSpaces();
    return pos_ == s_.size() ? Status::OK() : Error("unexpected text after `}`");
  }
  Status Name(std::string* name) {
    const size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    if (pos_ == start) return Error("want a label name");
    *name = std::string(s_.substr(start, pos_ - start));
    return Status::OK();
  }
  Status Quoted(std::string* out) {
    if (Peek() != '"') return Error("want a double-quoted label value");
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return Status::OK();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ == s_.size()) break;
      const char e = s_[pos_++];
      // Go's strconv.Quote, which Loki clients print labels with, writes all of these: \xHH and
      // octal for bytes that are not UTF-8, \u / \U for non-printable runes.
      switch (e) {
        case 'a': out->push_back('\a'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'v': out->push_back('\v'); break;
        case '\\': case '"': case '\'': out->push_back(e); break;
        case 'x': {
          uint32_t byte = 0;
          VL_RETURN_IF_ERROR(Digits(e, 2, 16, &byte));
          out->push_back(static_cast<char>(byte));
          break;
        }
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          --pos_;  // the escape's first digit
          uint32_t byte = 0;
          VL_RETURN_IF_ERROR(Digits(e, 3, 8, &byte));
          if (byte > 0xFF) return Error("octal escape above \\377");
          out->push_back(static_cast<char>(byte));
          break;
        }
        case 'u': case 'U': {
          uint32_t cp = 0;
          VL_RETURN_IF_ERROR(Digits(e, e == 'u' ? 4 : 8, 16, &cp));
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Error("escape is not a Unicode code point");
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Error(std::string("unknown escape \\") + e);
      }
    }
    return Error("unterminated label value");
  }

  // Reads the `count` digits in `base` of a \`kind` escape into *value.
  Status Digits(char kind, size_t count, uint32_t base, uint32_t* value) {
    *value = 0;
    for (size_t i = 0; i < count; ++i) {
      const int d = HexValue(Peek());
      if (d < 0 || static_cast<uint32_t>(d) >= base) return Error("bad \\" + std::string(1, kind) + " escape");
      *value = *value * base + static_cast<uint32_t>(d);
      ++pos_;
    }
    return Status::OK();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Status ParseLokiLabels(std::string_view text, std::vector<std::pair<std::string, std::string>>* out) {
  return LabelsReader(text).Read(out);
}

}  // namespace vl::insert
