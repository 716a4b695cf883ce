// `field:*`: the field is present (non-empty).
#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {
namespace {

class AnyValueFilter final : public FieldFilter {
 public:
  using FieldFilter::FieldFilter;
  std::string_view kind() const override { return "any_value"; }
  // `_msg:*` would read back as match-all; `~".+"` reads back as this filter.
  std::string String() const override { return field_ == "_msg" ? "~\".+\"" : FieldPrefix(field_) + "*"; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<AnyValueFilter>(field_); }
  bool MayMatchBlock(EvalSource& src) const override {
    return ConstMayMatch(src, [](std::string_view v) { return !v.empty(); });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    ApplyToValues(src.Get(field_), bm, [](std::string_view s) { return !s.empty(); });
  }
};

}  // namespace

std::unique_ptr<Filter> MakeAnyValueFilter(std::string field) {
  return std::make_unique<AnyValueFilter>(std::move(field));
}

}  // namespace vl::logsql::filters
