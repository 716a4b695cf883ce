#include "vl/common/stream.h"

#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t on the stack: no malloc per row
#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "vl/common/varint.h"

namespace vl {

bool ParseTenantID(std::string_view s, TenantID* out) {
  auto number = [](std::string_view v, uint32_t* n) {
    if (v.empty() || v.size() > 10 || v.find_first_not_of("0123456789") != std::string_view::npos) return false;
    const uint64_t x = std::stoull(std::string(v));
    if (x > UINT32_MAX) return false;
    *n = static_cast<uint32_t>(x);
    return true;
  };
  const size_t colon = s.find(':');
  TenantID t;
  if (!number(s.substr(0, colon), &t.account_id)) return false;
  if (colon != std::string_view::npos && !number(s.substr(colon + 1), &t.project_id)) return false;
  *out = t;
  return true;
}

void StreamTags::Add(std::string name, std::string value) {
  if (value.empty()) return;
  labels_.emplace_back(std::move(name), std::move(value));
}

void StreamTags::Canonicalize() {
  std::sort(labels_.begin(), labels_.end());
  labels_.erase(std::unique(labels_.begin(), labels_.end()), labels_.end());
}

std::string_view StreamTags::Get(std::string_view name) const {
  for (const auto& [n, v] : labels_) {
    if (n == name) return v;
  }
  return {};
}

std::string StreamTags::MarshalCanonical() const {
  std::string out;
  AppendCanonicalTags(labels_, &out);
  return out;
}

bool StreamTags::UnmarshalCanonical(std::string_view data, StreamTags* out) {
  out->labels_.clear();
  uint64_t n;
  if (!ReadVarint(&data, &n) || n > data.size()) return false;
  out->labels_.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, value;
    if (!ReadLengthPrefixed(&data, &name) || !ReadLengthPrefixed(&data, &value)) return false;
    out->labels_.emplace_back(std::string(name), std::string(value));
  }
  return data.empty();
}

std::string StreamTags::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += labels_[i].first;
    out.push_back('=');
    out += QuoteString(labels_[i].second);
  }
  out.push_back('}');
  return out;
}

StreamID StreamID::Compute(TenantID tenant, const StreamTags& tags) {
  // Per-thread scratch: computing an id per ingested row must not allocate.
  thread_local std::string canonical;
  canonical.clear();
  AppendCanonicalTags(tags.labels(), &canonical);
  return ComputeFromCanonical(tenant, canonical);
}

StreamID StreamID::ComputeFromCanonical(TenantID tenant, std::string_view canonical) {
  XXH64_state_t state;
  XXH64_reset(&state, 0);
  XXH64_update(&state, canonical.data(), canonical.size());
  StreamID id;
  id.tenant = tenant;
  id.hi = XXH64_digest(&state);
  static constexpr char kSalt[] = "magic!";
  XXH64_update(&state, kSalt, sizeof(kSalt) - 1);
  id.lo = XXH64_digest(&state);
  return id;
}

bool StreamTags::IsValidCanonical(std::string_view data) {
  uint64_t n;
  if (!ReadVarint(&data, &n) || n > data.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, value;
    if (!ReadLengthPrefixed(&data, &name) || !ReadLengthPrefixed(&data, &value)) return false;
  }
  return data.empty();
}

std::string StreamID::ToString() const {
  char buf[49];
  std::snprintf(buf, sizeof(buf), "%08x%08x%016llx%016llx", tenant.account_id, tenant.project_id,
                static_cast<unsigned long long>(hi), static_cast<unsigned long long>(lo));
  return std::string(buf, 48);
}

namespace {
bool ParseHex64(std::string_view s, uint64_t* v) {
  uint64_t r = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    r = (r << 4) | static_cast<uint64_t>(d);
  }
  *v = r;
  return true;
}
}  // namespace

bool StreamID::Parse(std::string_view hex, StreamID* out) {
  if (hex.size() != 48) return false;
  uint64_t tenant, hi, lo;
  if (!ParseHex64(hex.substr(0, 16), &tenant) || !ParseHex64(hex.substr(16, 16), &hi) ||
      !ParseHex64(hex.substr(32, 16), &lo)) {
    return false;
  }
  out->tenant = TenantID{static_cast<uint32_t>(tenant >> 32), static_cast<uint32_t>(tenant)};
  out->hi = hi;
  out->lo = lo;
  return true;
}

std::string QuoteString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace vl
