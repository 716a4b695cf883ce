// `filter <filters>` (`where`, or just `| <filters>`): keeps the rows the filters match.
#include "../parser_impl.h"
#include "pipes.h"
#include "result_block_source.h"

namespace vl::logsql {

std::string FilterPipe::String() const { return "filter " + filter_->String(); }

void FilterPipe::UpdateNeeded(NeededFields* needed) const {
  std::vector<std::string> fields;
  filter_->AppendFields(&fields);
  for (const auto& f : fields) needed->Add(f);
}

ResultBlock FilterPipe::Apply(ResultBlock&& b) const {
  Bitmap bm(b.rows, 1);
  {
    ResultBlockSource src(b);
    filter_->Eval(src, &bm);
  }
  return SelectRows(b, bm);
}

namespace pipes {

std::unique_ptr<Pipe> ParseFilter(parser_internal::Parser& p) {
  auto f = p.ParseOr("_msg");
  if (!f) return nullptr;
  return std::make_unique<FilterPipe>(std::move(f));
}

}  // namespace pipes
}  // namespace vl::logsql
