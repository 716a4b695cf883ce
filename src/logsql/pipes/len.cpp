// `len(field) [as result]`: the value's length in bytes (0 when missing).
#include "value_func_pipe.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParseLen(parser_internal::Parser& p) {
  return ValueFuncPipe::Parse(p, "len", [](std::string_view in, std::string* out) { out->append(std::to_string(in.size())); });
}

}  // namespace vl::logsql::pipes
