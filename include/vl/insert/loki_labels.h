// Loki's protobuf streams name their labels as text: `{name="value", other="v\"2"}` (Prometheus
// label syntax; values are double-quoted with Go escapes).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/common/status.h"

namespace vl::insert {

// Appends the labels of `text` to *out in order. `{}` and "" have none. Errors name the byte
// offset and what was expected there.
Status ParseLokiLabels(std::string_view text, std::vector<std::pair<std::string, std::string>>* out);

}  // namespace vl::insert
