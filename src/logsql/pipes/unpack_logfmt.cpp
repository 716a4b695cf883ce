// `unpack_logfmt [if (...)] [from field] [fields (a, b*)] [result_prefix "p"]
// [keep_original_fields | skip_empty_results]`: `k=v k2="v 2"` pairs become fields.
#include "text_funcs.h"
#include "unpack_common.h"

namespace vl::logsql::pipes {
namespace {

struct LogfmtFormat {
  static constexpr const char* kName = "unpack_logfmt";
  struct Parser {
    std::vector<TextField> kvs;
    std::string scratch;
    template <typename Emit>
    void Parse(std::string_view v, Emit&& emit) {
      ParseLogfmt(v, &kvs, &scratch);
      for (const auto& [k, val] : kvs) emit(k.empty() ? std::string_view("_msg") : k, val);
    }
  };
  Parser MakeParser() const { return {}; }
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackLogfmt(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  using O = UnpackOptions;
  if (!opts.ParseTrailing(p, O::kFrom | O::kFields | O::kPrefix | O::kKeep | O::kSkipEmpty)) return nullptr;
  return std::make_unique<UnpackPipe<LogfmtFormat>>(std::move(opts), LogfmtFormat{});
}

}  // namespace vl::logsql::pipes
