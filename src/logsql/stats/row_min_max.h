// Internal: `row_min(src, f1, ...)` / `row_max(...)`: the row whose non-empty `src` is the
// smallest / largest (numbers by value, text naturally) as a JSON object of the listed fields
// (all when only `src` is given), in column order, empty values left out. Ties keep the first.
#pragma once

#include "../parser_impl.h"
#include "row_json.h"

namespace vl::logsql::stats {

class RowMinMax final : public StatsFunc {
 public:
  RowMinMax(std::string name, std::string src, std::vector<std::string> fields, int sign)
      : StatsFunc(std::move(name), std::move(fields)), src_(std::move(src)), sign_(sign) {}
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<RowMinMax>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<RowState>(sign_); }
  void AddNeeded(NeededFields* needed) const override {
    StatsFunc::AddNeeded(needed);
    needed->Add(src_);
  }
  std::string String() const override {
    std::string s = name() + "(" + FieldPatternString(src_);
    if (!fields().empty()) s += ", " + FieldListString(fields());
    return s + ")";
  }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    const ResultColumn* src = in.block->Find(src_);
    if (!src) return;
    std::string json;
    ForEachRow<RowState>(in.rows, groups, states, [&](RowState& s, size_t r) {
      const std::string_view k = src->at(r);
      if (k.empty() || (s.has && !s.Better(k))) return;
      json.clear();
      AppendRowJson(in.cols, r, &json);
      s.Offer(k, json);
    });
  }

  static std::unique_ptr<StatsFunc> Parse(parser_internal::Parser& p, const std::string& name, int sign) {
    std::vector<std::string> args;
    if (!p.Cur().IsPunct("(")) return p.FailNull(p.Unexpected(), "'('");
    if (!ParseFieldArgs(p, &args)) return nullptr;
    if (args.empty() || args[0].back() == '*') {
      return p.FailNull(name + "() needs the field to compare first, without a wildcard", "field name");
    }
    std::string src = args[0];
    args.erase(args.begin());
    return std::make_unique<RowMinMax>(name, std::move(src), std::move(args), sign);
  }

 private:
  std::string src_;
  int sign_;
};

}  // namespace vl::logsql::stats
