// Helpers shared by the insert unit tests.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "vl/common/log_row.h"
#include "vl/insert/common_params.h"

namespace vl::insert::testing {

inline ArgGetter MapGetter(const std::map<std::string, std::string, std::less<>>& m) {
  return [m](std::string_view k) -> std::string_view {
    auto it = m.find(k);
    return it == m.end() ? std::string_view() : std::string_view(it->second);
  };
}

inline CommonParams ParamsFromArgs(const std::map<std::string, std::string, std::less<>>& args) {
  auto r = CommonParams::Parse(MapGetter(args), MapGetter({}));
  return r.ok() ? r.value() : CommonParams{};
}

// Value of the first field `name`, or "<absent>".
inline std::string Get(const LogRow& row, std::string_view name) {
  for (const auto& f : row.fields) {
    if (f.name == name) return f.value;
  }
  return "<absent>";
}

inline size_t Count(const LogRow& row, std::string_view name) {
  size_t n = 0;
  for (const auto& f : row.fields) n += f.name == name;
  return n;
}

}  // namespace vl::insert::testing
