// `hash(field) [as result]`: XXH64 (seed 0) of the value, its low 53 bits as a decimal integer
// (so it survives a trip through a JSON number).
#include <xxhash.h>

#include "value_func_pipe.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParseHash(parser_internal::Parser& p) {
  return ValueFuncPipe::Parse(p, "hash", [](std::string_view in, std::string* out) {
    const uint64_t h = XXH64(in.data(), in.size(), 0) & ((uint64_t{1} << 53) - 1);
    out->append(std::to_string(h));
  });
}

}  // namespace vl::logsql::pipes
