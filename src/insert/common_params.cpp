#include "vl/insert/common_params.h"

#include <charconv>

namespace vl::insert {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool MatchesPattern(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*') {
    return name.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  return pattern == name;
}

Status ParseTenantPart(std::string_view header, std::string_view v, uint32_t* out) {
  v = Trim(v);
  if (v.empty()) return Status::OK();
  uint32_t x = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return Status::InvalidArgument("cannot parse " + std::string(header) + " header value \"" + std::string(v) +
                                   "\": expecting a decimal uint32");
  }
  *out = x;
  return Status::OK();
}

}  // namespace

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view item = Trim(s.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool MatchesAnyPattern(const std::vector<std::string>& patterns, std::string_view name) {
  for (const auto& p : patterns) {
    if (MatchesPattern(p, name)) return true;
  }
  return false;
}

bool CommonParams::IsIgnored(std::string_view name) const { return MatchesAnyPattern(ignore_fields, name); }
bool CommonParams::IsDecolorized(std::string_view name) const { return MatchesAnyPattern(decolorize_fields, name); }
bool CommonParams::IsExtraField(std::string_view name) const {
  for (const auto& f : extra_fields) {
    if (f.name == name) return true;
  }
  return false;
}

Result<CommonParams> CommonParams::Parse(const ArgGetter& get_arg, const ArgGetter& get_header) {
  CommonParams p;
  auto get = [&](std::string_view arg, std::string_view header) -> std::string_view {
    std::string_view v = get_arg ? get_arg(arg) : std::string_view();
    if (v.empty() && get_header) v = get_header(header);
    return v;
  };

  p.msg_fields = SplitList(get("_msg_field", "VL-Msg-Field"));
  if (auto tf = SplitList(get("_time_field", "VL-Time-Field")); !tf.empty()) p.time_fields = std::move(tf);
  p.stream_fields = SplitList(get("_stream_fields", "VL-Stream-Fields"));
  p.ignore_fields = SplitList(get("ignore_fields", "VL-Ignore-Fields"));
  p.decolorize_fields = SplitList(get("decolorize_fields", "VL-Decolorize-Fields"));

  for (const auto& item : SplitList(get("extra_fields", "VL-Extra-Fields"))) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("cannot parse extra_fields: missing '=' in item \"" + item +
                                     "\"; expecting name=value");
    }
    std::string_view name = Trim(std::string_view(item).substr(0, eq));
    std::string_view value = Trim(std::string_view(item).substr(eq + 1));
    if (name.empty()) {
      return Status::InvalidArgument("cannot parse extra_fields: empty field name in item \"" + item + "\"");
    }
    p.extra_fields.push_back(Field{std::string(name), std::string(value)});
  }

  std::string_view debug = Trim(get("debug", "VL-Debug"));
  if (debug.empty() || debug == "0" || debug == "false" || debug == "False" || debug == "FALSE" || debug == "f" ||
      debug == "F") {
    p.debug = false;
  } else if (debug == "1" || debug == "true" || debug == "True" || debug == "TRUE" || debug == "t" || debug == "T") {
    p.debug = true;
  } else {
    return Status::InvalidArgument("cannot parse debug=\"" + std::string(debug) + "\": expecting true or false");
  }

  if (get_header) {
    VL_RETURN_IF_ERROR(ParseTenantPart("AccountID", get_header("AccountID"), &p.tenant.account_id));
    VL_RETURN_IF_ERROR(ParseTenantPart("ProjectID", get_header("ProjectID"), &p.tenant.project_id));
  }
  return p;
}

}  // namespace vl::insert
