#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {

void TimeFilter::Eval(EvalSource& src, Bitmap* bm) const {
  if (auto b = src.time_bounds()) {
    if (b->first >= min_ts_ && b->second <= max_ts_) return;
    if (b->second < min_ts_ || b->first > max_ts_) return ClearAll(bm);
  }
  const int64_t* ts = src.timestamps();
  if (!ts) return ClearAll(bm);
  uint8_t* b = bm->data();
  for (size_t i = 0, n = bm->size(); i < n; ++i) b[i] &= static_cast<uint8_t>(ts[i] >= min_ts_ && ts[i] <= max_ts_);
}

bool TimeFilter::MayMatchBlock(EvalSource& src) const {
  auto b = src.time_bounds();
  return !b || (b->second >= min_ts_ && b->first <= max_ts_);
}

void TimeFilter::NarrowSearch(SearchNarrowing* n) const {
  n->min_ts = std::max(n->min_ts, min_ts_);
  n->max_ts = std::min(n->max_ts, max_ts_);
}

}  // namespace vl::logsql::filters

namespace vl::logsql {

std::unique_ptr<Filter> MakeTimeRangeFilter(int64_t start_ns, int64_t end_ns) {
  std::string text;
  if (start_ns == INT64_MIN) {
    text = "<=" + FormatExactTime(end_ns);
  } else if (end_ns == INT64_MAX) {
    text = ">=" + FormatExactTime(start_ns);
  } else {
    text = "[" + FormatExactTime(start_ns) + ", " + FormatExactTime(end_ns) + "]";
  }
  return std::make_unique<filters::TimeFilter>(start_ns, end_ns, std::move(text));
}

}  // namespace vl::logsql
