// Internal: every filter kind's constructor, the logical and structural filter classes that
// other parts of the engine inspect, and the registry of function-syntax filters
// (`name(args)`), one line per kind in builtin.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vl/logsql/filter.h"

namespace vl::logsql {

class Query;

namespace filters {

// ---- Logical and structural nodes ----

class MatchAllFilter final : public Filter {
 public:
  std::string_view kind() const override { return "match_all"; }
  std::string String() const override { return "*"; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<MatchAllFilter>(); }
  void Eval(EvalSource&, Bitmap*) const override {}
  void AppendFields(std::vector<std::string>*) const override {}
  bool DecidedBySearch() const override { return true; }
};

// Children are evaluated left to right, each over the rows the previous ones kept.
class AndFilter final : public Filter {
 public:
  explicit AndFilter(std::vector<std::unique_ptr<Filter>> children) { children_ = std::move(children); }
  std::string_view kind() const override { return "and"; }
  std::string String() const override;
  std::unique_ptr<Filter> Clone() const override;
  void Eval(EvalSource& src, Bitmap* bm) const override;
  void AppendFields(std::vector<std::string>* out) const override;
  bool MayMatchBlock(EvalSource& src) const override;
  void NarrowSearch(SearchNarrowing* n) const override;
  bool DecidedBySearch() const override;
};

// Each child is evaluated only over rows no earlier child accepted.
class OrFilter final : public Filter {
 public:
  explicit OrFilter(std::vector<std::unique_ptr<Filter>> children) { children_ = std::move(children); }
  std::string_view kind() const override { return "or"; }
  std::string String() const override;
  std::unique_ptr<Filter> Clone() const override;
  void Eval(EvalSource& src, Bitmap* bm) const override;
  void AppendFields(std::vector<std::string>* out) const override;
  bool MayMatchBlock(EvalSource& src) const override;
  void NarrowSearch(SearchNarrowing* n) const override;
};

class NotFilter final : public Filter {
 public:
  explicit NotFilter(std::unique_ptr<Filter> child) { children_.push_back(std::move(child)); }
  std::string_view kind() const override { return "not"; }
  std::string String() const override;
  std::unique_ptr<Filter> Clone() const override;
  void Eval(EvalSource& src, Bitmap* bm) const override;
  void AppendFields(std::vector<std::string>* out) const override;
  const Filter& child() const { return *children_[0]; }
};

// `_time:...`: an inclusive nanosecond range; `text` is the canonical source after `_time:`.
class TimeFilter final : public Filter {
 public:
  TimeFilter(int64_t min_ts, int64_t max_ts, std::string text)
      : min_ts_(min_ts), max_ts_(max_ts), text_(std::move(text)) {}
  std::string_view kind() const override { return "time"; }
  std::string String() const override { return "_time:" + text_; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<TimeFilter>(min_ts_, max_ts_, text_); }
  void Eval(EvalSource& src, Bitmap* bm) const override;
  void AppendFields(std::vector<std::string>* out) const override { out->push_back("_time"); }
  bool MayMatchBlock(EvalSource& src) const override;
  void NarrowSearch(SearchNarrowing* n) const override;
  bool DecidedBySearch() const override { return true; }

 private:
  int64_t min_ts_, max_ts_;
  std::string text_;
};

// `{...}` / `_stream:{...}`.
class StreamFilter final : public Filter {
 public:
  explicit StreamFilter(StreamSelector sel) : sel_(std::move(sel)) {}
  std::string_view kind() const override { return "stream"; }
  std::string String() const override { return sel_.ToString(); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<StreamFilter>(sel_); }
  void Eval(EvalSource& src, Bitmap* bm) const override;
  void AppendFields(std::vector<std::string>* out) const override { out->push_back("_stream"); }
  bool MayMatchBlock(EvalSource& src) const override;
  void NarrowSearch(SearchNarrowing* n) const override;
  bool DecidedBySearch() const override { return true; }
  const StreamSelector& selector() const { return sel_; }
  StreamSelector& mutable_selector() { return sel_; }

 private:
  StreamSelector sel_;
};

template <typename T>
const T* As(const Filter& f) {
  return dynamic_cast<const T*>(&f);
}
template <typename T>
T* As(Filter* f) {
  return dynamic_cast<T*>(f);
}

// ---- Leaf filters written without a function name ----

std::unique_ptr<Filter> MakePhraseFilter(std::string field, std::string phrase);   // word, "phrase"
std::unique_ptr<Filter> MakePrefixFilter(std::string field, std::string prefix);   // foo*, "foo bar"*
std::unique_ptr<Filter> MakeExactFilter(std::string field, std::string value);     // =v, exact(v)
std::unique_ptr<Filter> MakeExactPrefixFilter(std::string field, std::string prefix);  // ="v"*
std::unique_ptr<Filter> MakeAnyValueFilter(std::string field);                     // field:*
std::unique_ptr<Filter> MakeEmptyValueFilter(std::string field);                   // field:""
// `~"re"`, unanchored; nullptr and *err on a bad pattern.
std::unique_ptr<Filter> MakeRegexpFilter(std::string field, std::string pattern, std::string* err);
// `field:>N`, `>=`, `<`, `<=`: numeric when the operand reads as a number, else bytewise.
std::unique_ptr<Filter> MakeComparisonFilter(std::string field, const std::string& op, const std::string& operand);
// `_time:day_range[...]`, `_time:week_range[...]`: bounds in ns since midnight / day index
// (0 = Sunday), both inclusive after the brackets are applied; `offset_ns` is added to a row's
// timestamp before the time of day is taken.
std::unique_ptr<Filter> MakeDayRangeFilter(int64_t start_ns, int64_t end_ns, int64_t offset_ns, std::string text);
std::unique_ptr<Filter> MakeWeekRangeFilter(int start_day, int end_day, int64_t offset_ns, std::string text);

// ---- Function-syntax filters: `name(arg, ...)` after an optional `field:` ----

struct FilterArg {
  std::string value;
  bool quoted = false;
  bool star = false;  // a `*` glued after the value: `i(err*)`, `exact("x"*)`
};

struct FilterCall {
  std::string field = "_msg";
  std::string name;                       // lowercase
  bool open_bracket = false;              // `name[` instead of `name(`
  bool close_bracket = false;             // `]` instead of `)`
  bool star_list = false;                 // `in(*)`
  std::vector<FilterArg> args;
  std::unique_ptr<Query> subquery;        // `in(<query>)`, when the function allows one
};

// The argument values of `call` as whole words or phrases; false (and *err) when one is a prefix.
bool PhraseArgs(FilterCall& call, std::vector<std::string>* out, std::string* err);

// Builds the filter, or returns nullptr with *err saying what is wrong with the arguments.
using FilterBuilder = std::unique_ptr<Filter> (*)(FilterCall& call, std::string* err);

struct FilterFunc {
  std::string_view name;
  FilterBuilder build;
  bool allows_subquery = false;  // `name(<query>)`
  bool allows_brackets = false;  // `name[a, b)` as well as `name(a, b]`
};

// nullptr when `name` (lowercase) is not a filter function.
const FilterFunc* FindFilterFunc(std::string_view name);

// Builders, one per function-syntax kind (each in its own file).
std::unique_ptr<Filter> BuildCaseInsensitive(FilterCall& call, std::string* err);  // i(...)
std::unique_ptr<Filter> BuildExact(FilterCall& call, std::string* err);            // exact(...)
std::unique_ptr<Filter> BuildRegexp(FilterCall& call, std::string* err);           // re(...)
std::unique_ptr<Filter> BuildIn(FilterCall& call, std::string* err);               // in(...)
std::unique_ptr<Filter> BuildContainsAll(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildContainsAny(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildSeq(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildRange(FilterCall& call, std::string* err);            // range(a, b]
std::unique_ptr<Filter> BuildIPv4Range(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildStringRange(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildLenRange(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildValueType(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildEqField(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildLeField(FilterCall& call, std::string* err);
std::unique_ptr<Filter> BuildLtField(FilterCall& call, std::string* err);

}  // namespace filters
}  // namespace vl::logsql
