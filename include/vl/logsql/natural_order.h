// Natural text order (`file2` < `file10`), as VictoriaLogs sorts values for people.
#pragma once

#include <string_view>

namespace vl::logsql {

// <0, 0, >0.
int CompareNatural(std::string_view a, std::string_view b);

}  // namespace vl::logsql
