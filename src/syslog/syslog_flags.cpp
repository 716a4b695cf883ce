#include "vl/syslog/syslog_flags.h"

#include <simdjson.h>

#include <algorithm>

namespace vl::syslog {

namespace {

// The i-th value of an array flag: "" when absent, the only value when there is one.
std::string Nth(const std::vector<std::string>& values, size_t i) {
  if (values.size() == 1) return values[0];
  return i < values.size() ? values[i] : "";
}

Status JsonStrings(std::string_view text, std::vector<std::string>* out) {
  if (text.empty()) return Status::OK();
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(text.data(), text.size()).get_array().get(arr) != simdjson::SUCCESS) {
    return Status::InvalidArgument("want a JSON array of strings such as [\"hostname\",\"app_name\"]");
  }
  for (simdjson::dom::element e : arr) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return Status::InvalidArgument("array items must be strings");
    out->emplace_back(s);
  }
  return Status::OK();
}

Status JsonFields(std::string_view text, std::vector<Field>* out) {
  if (text.empty()) return Status::OK();
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(text.data(), text.size()).get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument("want a JSON object of strings such as {\"env\":\"prod\"}");
  }
  for (auto [key, value] : obj) {
    std::string_view s;
    if (value.get_string().get(s) != simdjson::SUCCESS) return Status::InvalidArgument("values must be strings");
    out->push_back(Field{std::string(key), std::string(s)});
  }
  std::sort(out->begin(), out->end(), [](const Field& a, const Field& b) { return a.name < b.name; });
  return Status::OK();
}

Status Bool(std::string_view s, bool* out) {
  if (s.empty() || s == "false" || s == "0") {
    *out = false;
  } else if (s == "true" || s == "1") {
    *out = true;
  } else {
    return Status::InvalidArgument("want true or false");
  }
  return Status::OK();
}

}  // namespace

std::vector<std::string> SplitArrayFlag(std::string_view value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quote != 0) {
      if (c == '\\' && i + 1 < value.size()) {
        cur.push_back(c);
        cur.push_back(value[++i]);
        continue;
      }
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if ((c == ']' || c == '}' || c == ')') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur.push_back(c);
  }
  out.push_back(std::move(cur));
  return out;
}

Result<std::vector<ListenerOptions>> ListenersFromFlags(ListenerOptions::Transport transport,
                                                       const TransportFlags& flags, const StreamOptions& base) {
  const std::string t = transport == ListenerOptions::Transport::kTcp ? "tcp" : "udp";
  const auto addrs = SplitArrayFlag(flags.listen_addr);
  const auto tenants = SplitArrayFlag(flags.tenant_id), methods = SplitArrayFlag(flags.compress_method),
             locals = SplitArrayFlag(flags.use_local_timestamp), streams = SplitArrayFlag(flags.stream_fields),
             ignores = SplitArrayFlag(flags.ignore_fields), decolorizes = SplitArrayFlag(flags.decolorize_fields),
             extras = SplitArrayFlag(flags.extra_fields), tls = SplitArrayFlag(flags.tls),
             certs = SplitArrayFlag(flags.tls_cert_file), keys = SplitArrayFlag(flags.tls_key_file);
  std::vector<ListenerOptions> out;
  for (size_t i = 0; i < addrs.size(); ++i) {
    ListenerOptions l;
    l.transport = transport;
    l.address = addrs[i];
    l.stream = base;
    auto fail = [&](const std::string& flag, const std::string& value, const Status& why) {
      return Status::InvalidArgument("-syslog." + flag + "=\"" + value + "\" for -syslog.listenAddr." + t + "=" +
                                     l.address + ": " + why.message());
    };
    if (l.address.empty()) return Status::InvalidArgument("-syslog.listenAddr." + t + " has an empty address");
    if (const std::string v = Nth(tenants, i); !v.empty() && !ParseTenantID(v, &l.stream.tenant)) {
      return fail("tenantID." + t, v, Status::InvalidArgument("want AccountID[:ProjectID]"));
    }
    l.compress_method = Nth(methods, i);
    // Each setting: its flag name, its value for this address, and how it is read.
    auto apply = [&](const std::string& flag, const std::string& value, const Status& parsed) {
      return parsed.ok() ? Status::OK() : fail(flag, value, parsed);
    };
    std::string v = Nth(locals, i);
    VL_RETURN_IF_ERROR(apply("useLocalTimestamp." + t, v, Bool(v, &l.stream.use_local_timestamp)));
    if (v = Nth(streams, i); !v.empty()) {
      l.stream.stream_fields.clear();
      VL_RETURN_IF_ERROR(apply("streamFields." + t, v, JsonStrings(v, &l.stream.stream_fields)));
    }
    v = Nth(ignores, i);
    VL_RETURN_IF_ERROR(apply("ignoreFields." + t, v, JsonStrings(v, &l.stream.ignore_fields)));
    v = Nth(decolorizes, i);
    VL_RETURN_IF_ERROR(apply("decolorizeFields." + t, v, JsonStrings(v, &l.stream.decolorize_fields)));
    v = Nth(extras, i);
    VL_RETURN_IF_ERROR(apply("extraFields." + t, v, JsonFields(v, &l.stream.extra_fields)));
    if (transport == ListenerOptions::Transport::kTcp) {
      v = Nth(tls, i);
      VL_RETURN_IF_ERROR(apply("tls", v, Bool(v, &l.tls)));
      l.tls_cert_file = Nth(certs, i);
      l.tls_key_file = Nth(keys, i);
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace vl::syslog
