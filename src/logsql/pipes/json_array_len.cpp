// `json_array_len(field) [as result]`: the number of elements of a JSON array value (0 for
// anything else).
#include "text_funcs.h"
#include "value_func_pipe.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParseJsonArrayLen(parser_internal::Parser& p) {
  return ValueFuncPipe::Parse(p, "json_array_len",
                              [](std::string_view in, std::string* out) { out->append(std::to_string(JsonArrayLen(in))); });
}

}  // namespace vl::logsql::pipes
