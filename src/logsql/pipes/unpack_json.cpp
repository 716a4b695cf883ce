// `unpack_json [if (...)] [from field] [fields (a, b*)] [result_prefix "p"]
// [keep_original_fields | skip_empty_results]`: the field's JSON object, flattened as ingestion
// flattens it (`{"a":{"b":1}}` -> `a.b`), becomes fields. Values that are not a JSON object
// give nothing.
#include "vl/insert/json_fields.h"
#include "unpack_common.h"

namespace vl::logsql::pipes {
namespace {

struct JsonFormat {
  static constexpr const char* kName = "unpack_json";
  struct Parser {
    insert::JsonFieldsParser json;
    std::vector<FieldView> fields;
    template <typename Emit>
    void Parse(std::string_view v, Emit&& emit) {
      fields.clear();
      if (v.front() != '{' || !json.Parse(v, &fields).ok()) return;
      for (const auto& f : fields) emit(f.name, f.value);
    }
  };
  Parser MakeParser() const { return {}; }
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackJson(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  using O = UnpackOptions;
  if (!opts.ParseTrailing(p, O::kFrom | O::kFields | O::kPrefix | O::kKeep | O::kSkipEmpty)) return nullptr;
  return std::make_unique<UnpackPipe<JsonFormat>>(std::move(opts), JsonFormat{});
}

}  // namespace vl::logsql::pipes
