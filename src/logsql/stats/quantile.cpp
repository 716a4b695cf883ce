// `quantile(phi, f1, ...)`, phi in [0, 1]: the value at that rank among the numeric values
// (the one at index floor(phi * n) once sorted; phi 0 and 1 give the exact min and max).
#include <charconv>

#include "../parser_impl.h"
#include "quantile.h"

namespace vl::logsql::stats {

std::unique_ptr<StatsFunc> ParseQuantile(parser_internal::Parser& p, const std::string& name) {
  if (!p.Cur().IsPunct("(")) return p.FailNull(p.Unexpected(), "'('");
  p.Next();
  const std::string phi_text = p.ReadCompound(0);
  double phi = -1;
  auto [end, ec] = std::from_chars(phi_text.data(), phi_text.data() + phi_text.size(), phi);
  if (phi_text.empty() || ec != std::errc() || end != phi_text.data() + phi_text.size() || !(phi >= 0 && phi <= 1)) {
    return p.FailNull("quantile needs a phi in [0, 1] first, got \"" + phi_text + "\"", "a number from 0 to 1");
  }
  std::vector<std::string> fields;
  if (p.Cur().IsPunct(",")) {
    // The rest reads like any argument list: `, a, b)` -> `(a, b)`.
    p.Next();
    std::vector<std::string> rest;
    bool star = false;
    while (!p.Cur().IsPunct(")")) {
      if (p.Cur().IsPunct("*")) {
        star = true;
        p.Next();
      } else {
        std::string f;
        if (!p.ReadFieldName(&f)) return p.FailNull(p.Unexpected(), "field name");
        rest.push_back(std::move(f));
      }
      if (p.Cur().IsPunct(",")) p.Next();
      else if (!p.Cur().IsPunct(")")) return p.FailNull(p.Unexpected(), "',' or ')'");
    }
    if (!star) fields = std::move(rest);
  }
  if (!p.Cur().IsPunct(")")) return p.FailNull(p.Unexpected(), "',' or ')'");
  p.Next();
  return std::make_unique<Quantile>(name, std::move(fields), phi, phi_text);
}

}  // namespace vl::logsql::stats
