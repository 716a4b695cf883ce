#include "row_json.h"

#include "vl/common/varint.h"
#include "../value_order.h"

namespace vl::logsql::stats {

bool RowState::Better(std::string_view k) const {
  if (cmp_sign == 0) return false;
  const int c = CompareValues(k, key);
  return cmp_sign < 0 ? c < 0 : c > 0;
}

void RowState::Export(std::string* out) const {
  out->push_back(has ? 1 : 0);
  AppendLengthPrefixed(key, out);
  out->append(json);
}

bool RowState::Import(std::string_view in) {
  if (in.empty()) return false;
  const bool other_has = in[0] != 0;
  in.remove_prefix(1);
  std::string_view k;
  if (!ReadLengthPrefixed(&in, &k)) return false;
  if (other_has) Offer(k, std::string(in));
  return true;
}

}  // namespace vl::logsql::stats
