// `unpack_json [if (...)] [from field] [fields (a, b*)] [result_prefix "p"]
// [keep_original_fields | skip_empty_results]`: the field's JSON object, flattened as ingestion
// flattens it (`{"a":{"b":1}}` -> `a.b`), becomes fields. Values that are not a JSON object
// give nothing.
#include "vl/insert/json_fields.h"
#include "unpack_common.h"

namespace vl::logsql::pipes {
namespace {

class UnpackJsonPipe final : public Pipe {
 public:
  explicit UnpackJsonPipe(UnpackOptions opts) : opts_(std::move(opts)) {}
  std::string String() const override { return "unpack_json" + opts_.condition.String() + opts_.String(); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnpackJsonPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { opts_.AddNeeded(needed); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = opts_.condition.Rows(b);
    const ResultColumn* in = b.Find(opts_.from);
    if (!in) return std::move(b);
    UnpackWriter w(b, opts_);
    insert::JsonFieldsParser parser;
    std::vector<FieldView> fields;
    for (size_t r = 0; r < b.rows; ++r) {
      const std::string_view v = in->at(r);
      if (!rows[r] || v.empty() || v.front() != '{') continue;
      fields.clear();
      if (!parser.Parse(v, &fields).ok()) continue;
      for (const auto& f : fields) w.Set(r, f.name, f.value);
    }
    w.Finish(&b);
    return std::move(b);
  }

 private:
  UnpackOptions opts_;
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackJson(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  using O = UnpackOptions;
  if (!opts.ParseTrailing(p, O::kFrom | O::kFields | O::kPrefix | O::kKeep | O::kSkipEmpty)) return nullptr;
  return std::make_unique<UnpackJsonPipe>(std::move(opts));
}

}  // namespace vl::logsql::pipes
