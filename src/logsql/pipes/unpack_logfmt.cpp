// `unpack_logfmt [if (...)] [from field] [fields (a, b*)] [result_prefix "p"]
// [keep_original_fields | skip_empty_results]`: `k=v k2="v 2"` pairs become fields.
#include "text_funcs.h"
#include "unpack_common.h"

namespace vl::logsql::pipes {
namespace {

class UnpackLogfmtPipe final : public Pipe {
 public:
  explicit UnpackLogfmtPipe(UnpackOptions opts) : opts_(std::move(opts)) {}
  std::string String() const override { return "unpack_logfmt" + opts_.condition.String() + opts_.String(); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnpackLogfmtPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { opts_.AddNeeded(needed); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = opts_.condition.Rows(b);
    const ResultColumn* in = b.Find(opts_.from);
    if (!in) return std::move(b);
    UnpackWriter w(b, opts_);
    std::vector<TextField> kvs;
    std::string scratch;
    for (size_t r = 0; r < b.rows; ++r) {
      if (!rows[r]) continue;
      ParseLogfmt(in->at(r), &kvs, &scratch);
      for (const auto& [k, v] : kvs) w.Set(r, k.empty() ? std::string_view("_msg") : k, v);
    }
    w.Finish(&b);
    return std::move(b);
  }

 private:
  UnpackOptions opts_;
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackLogfmt(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  using O = UnpackOptions;
  if (!opts.ParseTrailing(p, O::kFrom | O::kFields | O::kPrefix | O::kKeep | O::kSkipEmpty)) return nullptr;
  return std::make_unique<UnpackLogfmtPipe>(std::move(opts));
}

}  // namespace vl::logsql::pipes
