// `replace [if (...)] ("old", "new") [at field] [limit N]`: replaces the first N (default all)
// non-overlapping occurrences of a substring, left to right.
#include "vl/logsql/lexer.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class ReplacePipe final : public Pipe {
 public:
  ReplacePipe(PipeCondition cond, std::string from, std::string to, std::string field, uint64_t limit)
      : cond_(std::move(cond)), from_(std::move(from)), to_(std::move(to)), field_(std::move(field)), limit_(limit) {}
  std::string String() const override {
    std::string s = "replace" + cond_.String() + " (" + QuoteLogsql(from_) + ", " + QuoteLogsql(to_) + ")";
    if (field_ != "_msg") s += " at " + FieldPatternString(field_);
    if (limit_) s += " limit " + std::to_string(limit_);
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<ReplacePipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    needed->Add(field_);
    cond_.AddNeeded(needed);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    TransformField(&b, field_, cond_, [&](std::string_view v, std::string* out) {
      if (from_.empty()) {
        out->append(v);
        return;
      }
      uint64_t n = 0;
      size_t pos = 0;
      while (limit_ == 0 || n < limit_) {
        const size_t at = v.find(from_, pos);
        if (at == std::string_view::npos) break;
        out->append(v.substr(pos, at - pos));
        out->append(to_);
        pos = at + from_.size();
        ++n;
      }
      out->append(v.substr(pos));
    });
    return std::move(b);
  }

 private:
  PipeCondition cond_;
  std::string from_, to_, field_;
  uint64_t limit_;
};

}  // namespace

// `("a", "b") [at field] [limit N]`, shared with replace_regexp.
bool ParseReplaceArgs(parser_internal::Parser& p, std::string* from, std::string* to, std::string* field, uint64_t* limit) {
  if (!p.Cur().IsPunct("(")) return p.Fail(p.Unexpected(), "'(' with the two strings").ok();
  p.Next();
  bool ok = true;
  *from = p.ReadValue(0, &ok);
  if (!ok) return p.Fail(p.Unexpected(), "the string to replace").ok();
  if (!p.Cur().IsPunct(",")) return p.Fail(p.Unexpected(), "','").ok();
  p.Next();
  *to = p.Cur().IsPunct(")") ? "" : p.ReadValue(0, &ok);
  if (!ok) return p.Fail(p.Unexpected(), "the replacement").ok();
  if (!p.Cur().IsPunct(")")) return p.Fail(p.Unexpected(), "')'").ok();
  p.Next();
  *field = "_msg";
  *limit = 0;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("at")) {
      p.Next();
      if (!p.ReadFieldName(field)) return p.Fail(p.Unexpected(), "field name after at").ok();
    } else if (p.Cur().IsKeyword("limit")) {
      p.Next();
      if (!p.ReadUint(limit)) return p.Fail(p.Unexpected(), "limit value").ok();
    } else {
      return p.Fail(p.Unexpected(), "at, limit or '|'").ok();
    }
  }
  return true;
}

std::unique_ptr<Pipe> ParseReplace(parser_internal::Parser& p) {
  PipeCondition cond;
  if (!cond.Parse(p)) return nullptr;
  std::string from, to, field;
  uint64_t limit;
  if (!ParseReplaceArgs(p, &from, &to, &field, &limit)) return nullptr;
  return std::make_unique<ReplacePipe>(std::move(cond), std::move(from), std::move(to), std::move(field), limit);
}

}  // namespace vl::logsql::pipes
