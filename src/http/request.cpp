#include "vl/http/request.h"

#include <algorithm>

namespace vl::http {

std::string_view Request::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view Request::Arg(std::string_view name) const {
  auto it = args.find(std::string(name));
  return it == args.end() ? std::string_view() : std::string_view(it->second);
}

bool Request::HasArg(std::string_view name) const { return args.count(std::string(name)) > 0; }

Result<std::string> BodyReader::ReadAll(size_t limit, size_t expected) {
  std::string out;
  VL_RETURN_IF_ERROR(ReadAllInto(&out, limit, expected));
  return out;
}

Status BodyReader::ReadAllInto(std::string* out, size_t limit, size_t expected) {
  out->clear();
  out->reserve(std::min(expected, limit));
  char buf[64 * 1024];
  for (;;) {
    auto n = Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) return Status::OK();
    if (out->size() + *n > limit) {
      return Status::InvalidArgument("request body exceeds " + std::to_string(limit) + " bytes");
    }
    out->append(buf, *n);
  }
}

void ResponseWriter::Send(int code, std::string_view content_type, std::string_view body) {
  SetStatus(code);
  SetHeader("Content-Type", std::string(content_type));
  Write(body);
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}
}  // namespace

void ParseQueryString(std::string_view qs, std::multimap<std::string, std::string>* out) {
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view pair = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
    out->emplace(std::move(key), std::move(value));
  }
}

}  // namespace vl::http
