// Internal: the pipes by name. Each pipe file defines a parse function that reads the pipe's
// arguments (its name already consumed) and the registry maps every name and alias to it.
#pragma once

#include <memory>
#include <string_view>

#include "vl/logsql/pipe.h"

namespace vl::logsql {
namespace parser_internal {
class Parser;
}

namespace pipes {

using PipeParser = std::unique_ptr<Pipe> (*)(parser_internal::Parser& p);
// The parser of a pipe name or alias (lowercase), nullptr when there is no such pipe.
PipeParser FindPipe(std::string_view name);

}  // namespace pipes
}  // namespace vl::logsql
