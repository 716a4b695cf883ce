// Tenants and streams: the identity of where a log row belongs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/common/varint.h"

namespace vl {

struct TenantID {
  uint32_t account_id = 0;
  uint32_t project_id = 0;

  auto operator<=>(const TenantID&) const = default;
  bool operator==(const TenantID&) const = default;
};

// `AccountID[:ProjectID]` (two uint32 numbers, as the -*.tenantID flags take them).
bool ParseTenantID(std::string_view s, TenantID* out);

// Stream labels sorted by (name, value); empty values are never present.
class StreamTags {
 public:
  StreamTags() = default;
  // Adds a label; Canonicalize() must be called before use once all labels are added.
  void Add(std::string name, std::string value);
  void Canonicalize();

  const std::vector<std::pair<std::string, std::string>>& labels() const { return labels_; }
  bool empty() const { return labels_.empty(); }
  // Value of the label, or empty when absent.
  std::string_view Get(std::string_view name) const;

  // varuint count + (varuint len + name, varuint len + value) per label.
  std::string MarshalCanonical() const;
  static bool UnmarshalCanonical(std::string_view data, StreamTags* out);
  // True when `data` is well-formed MarshalCanonical output (what UnmarshalCanonical accepts).
  static bool IsValidCanonical(std::string_view data);
  // `{name="value",...}` with Go-style quoted values; `{}` when there are no labels.
  std::string ToString() const;

  bool operator==(const StreamTags&) const = default;

 private:
  std::vector<std::pair<std::string, std::string>> labels_;
};

// Appends the canonical encoding of (name, value) labels already sorted and deduplicated:
// varuint count + (varuint len + name, varuint len + value) per label. Works for any range of
// pairs of strings or string views.
template <typename Labels>
void AppendCanonicalTags(const Labels& labels, std::string* out) {
  AppendVarint(labels.size(), out);
  for (const auto& [n, v] : labels) {
    AppendLengthPrefixed(n, out);
    AppendLengthPrefixed(v, out);
  }
}

// 128-bit stream id scoped to a tenant. Ordering groups tenants together.
struct StreamID {
  TenantID tenant;
  uint64_t hi = 0;
  uint64_t lo = 0;

  auto operator<=>(const StreamID&) const = default;
  bool operator==(const StreamID&) const = default;

  static StreamID Compute(TenantID tenant, const StreamTags& tags);
  // The same id from the tags' MarshalCanonical bytes.
  static StreamID ComputeFromCanonical(TenantID tenant, std::string_view canonical);
  // 48 lowercase hex chars: 16 for the tenant, 32 for the hash.
  std::string ToString() const;
  static bool Parse(std::string_view hex48, StreamID* out);
};

struct StreamIDHash {
  size_t operator()(const StreamID& id) const { return static_cast<size_t>(id.hi ^ id.lo); }
};

// Go-style double-quoted string (as strconv.Quote does for printable UTF-8).
std::string QuoteString(std::string_view s);

}  // namespace vl
