#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {

std::string NotFilter::String() const {
  const Filter& c = child();
  const bool paren = As<AndFilter>(c) || As<OrFilter>(c);
  return paren ? "!(" + c.String() + ")" : "!" + c.String();
}

std::unique_ptr<Filter> NotFilter::Clone() const { return std::make_unique<NotFilter>(child().Clone()); }

void NotFilter::Eval(EvalSource& src, Bitmap* bm) const {
  Bitmap tmp = *bm;
  child().Eval(src, &tmp);
  for (size_t i = 0; i < tmp.size(); ++i) {
    if (tmp[i]) (*bm)[i] = 0;
  }
}

void NotFilter::AppendFields(std::vector<std::string>* out) const { child().AppendFields(out); }

}  // namespace vl::logsql::filters
