// Internal: what the row-wise pipes share: putting computed columns into a block, the optional
// `if (...)` condition, and small parsing helpers.
#pragma once

#include <charconv>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../parser_impl.h"
#include "pipes.h"
#include "result_block_source.h"

namespace vl::logsql::pipes {

// Replaces the column of the same name in place, or appends it.
inline void PutColumn(ResultBlock* b, ResultColumn c) {
  for (auto& old : b->columns) {
    if (old.name == c.name) {
      old = std::move(c);
      return;
    }
  }
  b->columns.push_back(std::move(c));
}

inline void RemoveColumn(ResultBlock* b, std::string_view name) {
  std::erase_if(b->columns, [&](const ResultColumn& c) { return c.name == name; });
}

inline std::string_view ValueAt(const ResultColumn* c, size_t r) { return c ? c->at(r) : std::string_view(); }

// A count another stage printed (hits columns); 0 when it is not one.
inline uint64_t ParseCount(std::string_view s) {
  uint64_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

// `if (<filters>)` of a pipe: which rows it applies to.
class PipeCondition {
 public:
  PipeCondition() = default;
  explicit PipeCondition(std::shared_ptr<const Filter> f) : filter_(std::move(f)) {}
  bool present() const { return filter_ != nullptr; }
  // ` if (...)` for the pipe's String(), or "".
  std::string String() const { return filter_ ? " if (" + filter_->String() + ")" : ""; }
  void AddNeeded(NeededFields* needed) const {
    if (!filter_) return;
    std::vector<std::string> fields;
    filter_->AppendFields(&fields);
    for (const auto& f : fields) needed->Add(f);
  }
  // One byte per row: 1 where the pipe applies.
  Bitmap Rows(const ResultBlock& b) const {
    Bitmap bm(b.rows, 1);
    if (filter_) {
      ResultBlockSource src(b);
      filter_->Eval(src, &bm);
    }
    return bm;
  }
  // Reads an optional `if (...)`; false after reporting an error.
  bool Parse(parser_internal::Parser& p) {
    if (!p.Cur().IsKeyword("if")) return true;
    p.Next();
    if (!p.Cur().IsPunct("(")) return p.Fail(p.Unexpected(), "'(' after if").ok();
    p.Next();
    auto f = p.ParseOr("_msg");
    if (!f) return false;
    if (!p.Cur().IsPunct(")")) return p.Fail(p.Unexpected(), "')' closing the if condition").ok();
    p.Next();
    filter_ = SimplifyFilter(std::move(f));
    return true;
  }

 private:
  std::shared_ptr<const Filter> filter_;
};

// `(field)` or `field` naming the pipe's input, then an optional `[as] result` (default `_msg`),
// as `len`, `hash` and `json_array_len` take them.
inline bool ParseFieldAndResult(parser_internal::Parser& p, std::string* field, std::string* result) {
  const bool parens = p.Cur().IsPunct("(");
  if (parens) p.Next();
  if (!p.ReadFieldName(field)) return p.Fail(p.Unexpected(), "field name").ok();
  if (parens) {
    if (!p.Cur().IsPunct(")")) return p.Fail(p.Unexpected(), "')'").ok();
    p.Next();
  }
  *result = "_msg";
  if (p.Cur().IsKeyword("as")) p.Next();
  if (!p.AtEnd() && !p.Cur().IsPunct("|") && !p.Cur().IsPunct(")")) {
    if (!p.ReadFieldName(result)) return p.Fail(p.Unexpected(), "result field name").ok();
  }
  return true;
}

// A row count written as VictoriaLogs reads one: `10`, `1_000`, `1K`, `1Ki`, `inf`, a fraction
// (truncated). False (nothing consumed) when the token is not a count.
bool ReadRowCount(parser_internal::Parser& p, uint64_t* n);

// True at a token that ends the pipe (`|`, end, or the `)` closing a subquery).
inline bool AtPipeEnd(parser_internal::Parser& p) { return p.AtEnd() || p.Cur().IsPunct("|") || p.Cur().IsPunct(")"); }

}  // namespace vl::logsql::pipes

namespace vl::logsql::pipes {

// Rewrites `field` in place: fn(value, &out) for every row the condition selects (rows it does
// not select keep their value). A constant column without a condition is transformed once.
template <typename Fn>
void TransformField(ResultBlock* b, const std::string& field, const PipeCondition& cond, Fn&& fn) {
  const ResultColumn* in = b->Find(field);
  std::string buf;
  if (!cond.present() && (!in || in->type() == ResultColumn::Type::kConst)) {
    fn(ValueAt(in, 0), &buf);
    PutColumn(b, ResultColumn::Const(field, buf, b->rows));
    return;
  }
  const Bitmap rows = cond.Rows(*b);
  StringsBuilder out(b->rows);
  for (size_t r = 0; r < b->rows; ++r) {
    const std::string_view v = ValueAt(in, r);
    if (!rows[r]) {
      out.Add(v);
      continue;
    }
    buf.clear();
    fn(v, &buf);
    out.Add(buf);
  }
  PutColumn(b, out.Build(field));
}

}  // namespace vl::logsql::pipes

namespace vl::logsql::pipes {

// The pipe that `text` (one pipe, e.g. `stats by (a) sum(hits) as hits`) parses to; pipes use it
// to build the router's half of their cluster split from LogsQL itself.
std::unique_ptr<Pipe> ParsePipeText(const std::string& text);

// `name`, or `name` with `s` appended until it differs from every one of `taken`.
std::string UniqueName(std::string name, const std::vector<std::string>& taken);

}  // namespace vl::logsql::pipes
