#include "vl/logsql/filter.h"

#include <re2/re2.h>

#include "vl/common/time_util.h"
#include "filters/filters.h"

namespace vl::logsql {

using filters::AndFilter;
using filters::As;
using filters::MatchAllFilter;
using filters::NotFilter;
using filters::OrFilter;
using filters::StreamFilter;

Filter::~Filter() {
  std::vector<std::unique_ptr<Filter>> pending = std::move(children_);
  while (!pending.empty()) {
    std::unique_ptr<Filter> f = std::move(pending.back());
    pending.pop_back();
    if (!f) continue;  // a child moved out earlier (rewrites take children over)
    for (auto& c : f->children_) pending.push_back(std::move(c));
    f->children_.clear();  // f goes away here with no children left to recurse into
  }
}

std::shared_ptr<const re2::RE2> CompileRegexp(const std::string& pattern, std::string* err) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<RE2>(pattern, opts);
  if (!re->ok()) {
    *err = re->error();
    return nullptr;
  }
  return re;
}

std::unique_ptr<Filter> MakeMatchAllFilter() { return std::make_unique<MatchAllFilter>(); }

std::unique_ptr<Filter> MakeAndFilter(std::unique_ptr<Filter> a, std::unique_ptr<Filter> b) {
  std::vector<std::unique_ptr<Filter>> c;
  c.push_back(std::move(a));
  c.push_back(std::move(b));
  return std::make_unique<AndFilter>(std::move(c));
}

namespace {

// Merging `{a or b} {c or d}` multiplies OR groups; past this many the filters stay separate
// (still correct, both are evaluated), so k filters of two groups cannot make 2^k of them.
constexpr size_t kMaxMergedStreamGroups = 64;

bool CanMergeSelectors(const StreamSelector& a, const StreamSelector& b) {
  return a.or_groups.empty() || b.or_groups.empty() ||
         a.or_groups.size() * b.or_groups.size() <= kMaxMergedStreamGroups;
}

}  // namespace

std::unique_ptr<Filter> SimplifyFilter(std::unique_ptr<Filter> f) {
  const bool is_and = As<AndFilter>(*f) != nullptr;
  if (is_and || As<OrFilter>(*f)) {
    std::vector<std::unique_ptr<Filter>> flat;
    for (auto& c : f->mutable_children()) {
      auto s = SimplifyFilter(std::move(c));
      const bool same = is_and ? As<AndFilter>(*s) != nullptr : As<OrFilter>(*s) != nullptr;
      if (same) {
        for (auto& cc : s->mutable_children()) flat.push_back(std::move(cc));
      } else {
        flat.push_back(std::move(s));
      }
    }
    std::vector<std::unique_ptr<Filter>> out;
    StreamFilter* stream = nullptr;
    for (auto& c : flat) {
      if (As<MatchAllFilter>(*c)) {
        if (is_and) continue;
        return MakeMatchAllFilter();
      }
      if (auto* s = is_and ? As<StreamFilter>(c.get()) : nullptr) {
        if (stream && CanMergeSelectors(stream->selector(), s->selector())) {
          stream->mutable_selector() = IntersectSelectors(stream->selector(), s->selector());
          continue;
        }
        if (!stream) stream = s;
      }
      out.push_back(std::move(c));
    }
    if (out.empty()) return MakeMatchAllFilter();
    if (out.size() == 1) return std::move(out[0]);
    f->mutable_children() = std::move(out);
    return f;
  }
  if (As<NotFilter>(*f)) {
    auto c = SimplifyFilter(std::move(f->mutable_children()[0]));
    if (As<NotFilter>(*c)) return std::move(c->mutable_children()[0]);
    f->mutable_children()[0] = std::move(c);
    return f;
  }
  return f;
}

std::string FormatExactTime(int64_t ns) {
  std::string s;
  AppendRFC3339Nano(ns, &s);
  // Pad the fraction to 9 digits: 2006-01-02T15:04:05[.fff]Z
  size_t z = s.size() - 1;  // 'Z'
  size_t dot = s.find('.');
  if (dot == std::string::npos) {
    s.insert(z, ".000000000");
  } else {
    size_t digits = z - dot - 1;
    if (digits < 9) s.insert(z, std::string(9 - digits, '0'));
  }
  return s;
}

}  // namespace vl::logsql
