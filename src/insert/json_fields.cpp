#include "vl/insert/json_fields.h"

#include <simdjson.h>

#include <algorithm>

#include <cstring>
#include <string>

namespace vl::insert {

namespace {

constexpr size_t kMaxFieldNameLen = 128;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') i++;
  if (i >= n) return false;
  if (s[i] == '0') {
    i++;
  } else if (IsDigit(s[i])) {
    while (i < n && IsDigit(s[i])) i++;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    i++;
    size_t st = i;
    while (i < n && IsDigit(s[i])) i++;
    if (i == st) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t st = i;
    while (i < n && IsDigit(s[i])) i++;
    if (i == st) return false;
  }
  return i == n;
}

std::string_view TrimRightSpace(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Status JsonError(simdjson::error_code e) {
  return Status::InvalidArgument(std::string("cannot parse JSON: ") + simdjson::error_message(e));
}

}  // namespace

struct JsonFieldsParser::Impl {
  simdjson::ondemand::parser parser;
  std::string buf;   // padded copy of the input
  std::string name;  // flattened name of the current value
  ByteArena arena;   // nested names and minified values of the current object

  // Top-level names point into simdjson's string buffer; built (nested) names get a copy.
  std::string_view StableName(std::string_view key) {
    return name.size() == key.size() ? key : arena.Copy(name);
  }

  void AppendMinified(std::string_view key, std::string_view raw, std::vector<FieldView>* fields) {
    char* out = arena.Allocate(raw.size());
    size_t len = 0;
    if (simdjson::minify(raw.data(), raw.size(), out, len) != simdjson::SUCCESS) {
      fields->push_back(FieldView{StableName(key), arena.Copy(TrimRightSpace(raw))});
      return;
    }
    fields->push_back(FieldView{StableName(key), std::string_view(out, len)});
  }

  // Flattens `obj` (whose own name is `name`, empty at the top level). *overflow is set when a
  // produced name is longer than kMaxFieldNameLen and was not collapsed at a deeper level.
  Status FlattenObject(simdjson::ondemand::object& obj, std::vector<FieldView>* fields, bool* overflow) {
    using namespace simdjson;
    for (auto field_res : obj) {
      ondemand::field field;
      if (auto e = std::move(field_res).get(field)) return JsonError(e);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return JsonError(e);
      const size_t prefix_len = name.size();
      if (prefix_len > 0) name.push_back('.');
      name.append(key);
      ondemand::value val = field.value();
      ondemand::json_type type;
      if (auto e = val.type().get(type)) return JsonError(e);
      bool leaf = true;
      switch (type) {
        case ondemand::json_type::object: {
          leaf = false;
          ondemand::object sub;
          if (auto e = val.get_object().get(sub)) return JsonError(e);
          const size_t mark = fields->size();
          bool sub_overflow = false;
          Status st = FlattenObject(sub, fields, &sub_overflow);
          if (!st.ok()) return st;
          if (sub_overflow) {
            if (name.size() <= kMaxFieldNameLen) {
              fields->resize(mark);
              std::string_view raw;
              if (auto e = sub.reset().error()) return JsonError(e);
              if (auto e = sub.raw_json().get(raw)) return JsonError(e);
              AppendMinified(key, raw, fields);
            } else {
              *overflow = true;
            }
          }
          break;
        }
        case ondemand::json_type::array: {
          ondemand::array arr;
          if (auto e = val.get_array().get(arr)) return JsonError(e);
          std::string_view raw;
          if (auto e = arr.raw_json().get(raw)) return JsonError(e);
          AppendMinified(key, raw, fields);
          break;
        }
        case ondemand::json_type::number: {
          std::string_view raw = TrimRightSpace(val.raw_json_token());
          if (!IsJsonNumber(raw)) {
            return Status::InvalidArgument("cannot parse JSON: invalid number " + std::string(raw.substr(0, 64)));
          }
          fields->push_back(FieldView{StableName(key), raw});
          break;
        }
        case ondemand::json_type::string: {
          std::string_view sv;
          if (auto e = val.get_string().get(sv)) return JsonError(e);
          fields->push_back(FieldView{StableName(key), sv});
          break;
        }
        case ondemand::json_type::boolean: {
          bool b = false;
          if (auto e = val.get_bool().get(b)) return JsonError(e);
          fields->push_back(FieldView{StableName(key), b ? std::string_view("true") : std::string_view("false")});
          break;
        }
        case ondemand::json_type::null: {
          bool is_null = false;
          if (auto e = val.is_null().get(is_null)) return JsonError(e);
          if (!is_null) return JsonError(simdjson::N_ATOM_ERROR);
          leaf = false;
          break;
        }
      }
      if (leaf && name.size() > kMaxFieldNameLen) *overflow = true;
      name.resize(prefix_len);
    }
    return Status::OK();
  }
};

JsonFieldsParser::JsonFieldsParser() : impl_(std::make_unique<Impl>()) {}
JsonFieldsParser::~JsonFieldsParser() = default;

Status JsonFieldsParser::Parse(std::string_view json, std::vector<FieldView>* fields) {
  using namespace simdjson;
  Impl& im = *impl_;
  const size_t need = json.size() + SIMDJSON_PADDING;
  if (im.buf.size() < need) im.buf.resize(std::max(need, im.buf.size() * 2));
  std::memcpy(im.buf.data(), json.data(), json.size());
  std::memset(im.buf.data() + json.size(), ' ', SIMDJSON_PADDING);
  ondemand::document doc;
  if (auto e = im.parser.iterate(im.buf.data(), json.size(), im.buf.size()).get(doc)) return JsonError(e);
  ondemand::json_type type;
  if (auto e = doc.type().get(type)) return JsonError(e);
  if (type != ondemand::json_type::object) {
    return Status::InvalidArgument("cannot parse JSON: expecting a JSON object, got " +
                                   std::string(TrimRightSpace(json.substr(0, 64))));
  }
  ondemand::object obj;
  if (auto e = doc.get_object().get(obj)) return JsonError(e);
  im.name.clear();
  im.arena.Reset();
  bool overflow = false;
  Status st = im.FlattenObject(obj, fields, &overflow);
  if (!st.ok()) return st;
  // Anything after the object is an error.
  const char* loc = nullptr;
  if (doc.current_location().get(loc) == SUCCESS) {
    return Status::InvalidArgument("cannot parse JSON: unexpected trailing data after the object");
  }
  return Status::OK();
}

}  // namespace vl::insert
