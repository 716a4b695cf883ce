#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {

std::string AndFilter::String() const {
  std::string out;
  for (size_t i = 0; i < children_.size(); ++i) {
    if (i) out += " ";
    const bool paren = As<OrFilter>(*children_[i]) != nullptr;
    if (paren) out += "(";
    out += children_[i]->String();
    if (paren) out += ")";
  }
  return out;
}

std::unique_ptr<Filter> AndFilter::Clone() const {
  std::vector<std::unique_ptr<Filter>> c;
  for (const auto& f : children_) c.push_back(f->Clone());
  return std::make_unique<AndFilter>(std::move(c));
}

void AndFilter::Eval(EvalSource& src, Bitmap* bm) const {
  for (const auto& c : children_) {
    if (!AnySet(*bm)) return;
    c->Eval(src, bm);
  }
}

void AndFilter::AppendFields(std::vector<std::string>* out) const {
  for (const auto& c : children_) c->AppendFields(out);
}

bool AndFilter::MayMatchBlock(EvalSource& src) const {
  for (const auto& c : children_) {
    if (!c->MayMatchBlock(src)) return false;
  }
  return true;
}

void AndFilter::NarrowSearch(SearchNarrowing* n) const {
  for (const auto& c : children_) c->NarrowSearch(n);
}

bool AndFilter::DecidedBySearch() const {
  for (const auto& c : children_) {
    if (!c->DecidedBySearch()) return false;
  }
  return true;
}

}  // namespace vl::logsql::filters
