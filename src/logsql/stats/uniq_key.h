// Internal: keys of value tuples for the distinct-counting stats functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/logsql/result.h"

namespace vl::logsql::stats {

// Appends `v` length-prefixed, so that ("ab","c") and ("a","bc") differ.
inline void AppendKeyPart(std::string_view v, std::string* key) {
  const uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), sizeof(n));
  key->append(v);
}

// The tuple of row `r`'s values in `cols` into *key; false when every value is empty.
inline bool TupleKey(const std::vector<const ResultColumn*>& cols, size_t r, std::string* key) {
  key->clear();
  bool any = false;
  for (const auto* c : cols) {
    const std::string_view v = c->at(r);
    any |= !v.empty();
    AppendKeyPart(v, key);
  }
  return any;
}

}  // namespace vl::logsql::stats
