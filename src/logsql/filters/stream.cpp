#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {

void StreamFilter::Eval(EvalSource& src, Bitmap* bm) const {
  if (!MayMatchBlock(src)) ClearAll(bm);
}

bool StreamFilter::MayMatchBlock(EvalSource& src) const {
  const StreamTags* tags = src.stream_tags();
  return tags && sel_.Matches(*tags);
}

void StreamFilter::NarrowSearch(SearchNarrowing* n) const {
  if (!sel_.MatchesAll()) n->streams.push_back(&sel_);
}

}  // namespace vl::logsql::filters
