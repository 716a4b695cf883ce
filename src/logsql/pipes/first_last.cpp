// `first [N] by (a, b desc) [partition by (c)] [rank [as r]]` and `last ...`: the N (default 1)
// smallest / largest rows by the keys (the whole row without keys), per partition when asked; a `sort ... limit N` printed
// the short way.
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class FirstLastPipe final : public Pipe {
 public:
  FirstLastPipe(bool last, SortPipe sort) : last_(last), sort_(std::move(sort)) {}
  std::string String() const override {
    std::string s = last_ ? "last" : "first";
    if (sort_.limit != 1) s.append(" ").append(std::to_string(sort_.limit));
    if (!sort_.by.empty()) {
      s += " by (";
      for (size_t i = 0; i < sort_.by.size(); ++i) {
        if (i) s += ", ";
        s += FieldPatternString(sort_.by[i].name);
        if (sort_.by[i].desc) s += " desc";
      }
      s += ")";
    }
    if (!sort_.partition_by.empty()) s += " partition by (" + FieldListString(sort_.partition_by) + ")";
    if (!sort_.rank_name.empty()) s += sort_.rank_name == "rank" ? " rank" : " rank as " + FieldPatternString(sort_.rank_name);
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<FirstLastPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { sort_.UpdateNeeded(needed); }
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override {
    return sort_.MakeProcessor(next, memory);
  }
  PipeSplit Split() const override {
    PipeSplit s = sort_.Split();
    s.local = Clone();
    return s;
  }

 private:
  bool last_;
  SortPipe sort_;
};

std::unique_ptr<Pipe> ParseFirstLast(parser_internal::Parser& p, bool last) {
  SortPipe sort;
  sort.limit = 1;
  sort.desc = last;
  if (p.Cur().kind == Token::Kind::kBare && !p.Cur().IsKeyword("by") && !p.Cur().IsKeyword("partition") &&
      !p.Cur().IsKeyword("rank")) {
    if (!p.ReadUint(&sort.limit) || sort.limit == 0) return p.FailNull(p.Unexpected(), "number of rows N >= 1");
  }
  if (!ParseSortFields(p, &sort.by)) return nullptr;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("partition")) {
      p.Next();
      if (p.Cur().IsKeyword("by")) p.Next();
      if (!p.ReadFieldList(&sort.partition_by, /*parens=*/true)) return nullptr;
    } else if (p.Cur().IsKeyword("rank")) {
      p.Next();
      sort.rank_name = "rank";
      if (p.Cur().IsKeyword("as")) {
        p.Next();
        if (!p.ReadFieldName(&sort.rank_name)) return p.FailNull(p.Unexpected(), "rank field name");
      }
    } else {
      return p.FailNull(p.Unexpected(), "partition by, rank or '|'");
    }
  }
  return std::make_unique<FirstLastPipe>(last, std::move(sort));
}

}  // namespace

std::unique_ptr<Pipe> ParseFirst(parser_internal::Parser& p) { return ParseFirstLast(p, false); }
std::unique_ptr<Pipe> ParseLast(parser_internal::Parser& p) { return ParseFirstLast(p, true); }

}  // namespace vl::logsql::pipes
