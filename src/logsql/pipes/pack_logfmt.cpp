// `pack_logfmt [fields (a, b*)] [as result]`: the row's non-empty fields as `k=v k2="v 2"`.
#include "pack.h"
#include "text_funcs.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParsePackLogfmt(parser_internal::Parser& p) {
  return PackPipe::Parse(p, "pack_logfmt", [](const auto& fields, std::string* out) { AppendLogfmtFields(fields, out); });
}

}  // namespace vl::logsql::pipes
