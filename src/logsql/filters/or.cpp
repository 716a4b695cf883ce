#include <algorithm>

#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {

std::string OrFilter::String() const {
  std::string out;
  for (size_t i = 0; i < children_.size(); ++i) {
    if (i) out += " or ";
    const bool paren = As<OrFilter>(*children_[i]) != nullptr;
    if (paren) out += "(";
    out += children_[i]->String();
    if (paren) out += ")";
  }
  return out;
}

std::unique_ptr<Filter> OrFilter::Clone() const {
  std::vector<std::unique_ptr<Filter>> c;
  for (const auto& f : children_) c.push_back(f->Clone());
  return std::make_unique<OrFilter>(std::move(c));
}

void OrFilter::Eval(EvalSource& src, Bitmap* bm) const {
  Bitmap result(bm->size(), 0);
  Bitmap tmp;
  for (const auto& c : children_) {
    tmp = *bm;
    bool any = false;
    for (size_t i = 0; i < tmp.size(); ++i) {
      if (result[i]) tmp[i] = 0;
      any |= tmp[i] != 0;
    }
    if (!any) break;
    c->Eval(src, &tmp);
    for (size_t i = 0; i < tmp.size(); ++i) result[i] |= tmp[i];
  }
  *bm = std::move(result);
}

void OrFilter::AppendFields(std::vector<std::string>* out) const {
  for (const auto& c : children_) c->AppendFields(out);
}

bool OrFilter::MayMatchBlock(EvalSource& src) const {
  for (const auto& c : children_) {
    if (c->MayMatchBlock(src)) return true;
  }
  return false;
}

void OrFilter::NarrowSearch(SearchNarrowing* n) const {
  // The union of what the branches allow: a time range or a set of stream ids, when every
  // branch narrows it.
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  bool all_time = true, all_ids = true;
  std::vector<StreamID> ids;
  for (const auto& c : children_) {
    SearchNarrowing b;
    c->NarrowSearch(&b);
    all_time = all_time && (b.min_ts != INT64_MIN || b.max_ts != INT64_MAX);
    lo = std::min(lo, b.min_ts);
    hi = std::max(hi, b.max_ts);
    all_ids = all_ids && b.has_stream_ids;
    ids.insert(ids.end(), b.stream_ids.begin(), b.stream_ids.end());
  }
  if (children_.empty()) return;
  if (all_time) {
    n->min_ts = std::max(n->min_ts, lo);
    n->max_ts = std::min(n->max_ts, hi);
  }
  if (all_ids) NarrowToStreamIds(std::move(ids), n);
}

}  // namespace vl::logsql::filters
