// `unpack_words [from src] [as dst] [drop_duplicates]`: the words of `src` (default `_msg`) as a
// JSON array in `dst` (default: src itself).
#include "pipe_util.h"
#include "text_funcs.h"

namespace vl::logsql::pipes {
namespace {

class UnpackWordsPipe final : public Pipe {
 public:
  UnpackWordsPipe(std::string src, std::string dst, bool dedup) : src_(std::move(src)), dst_(std::move(dst)), dedup_(dedup) {}
  std::string String() const override {
    std::string s = "unpack_words";
    if (src_ != "_msg") s += " from " + FieldPatternString(src_);
    if (dst_ != src_) s += " as " + FieldPatternString(dst_);
    if (dedup_) s += " drop_duplicates";
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnpackWordsPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    if (dst_ != src_) needed->Remove(dst_);
    needed->Add(src_);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const ResultColumn* in = b.Find(src_);
    StringsBuilder out(b.rows);
    std::string buf;
    for (size_t r = 0; r < b.rows; ++r) {
      buf.clear();
      UnpackWords(ValueAt(in, r), dedup_, &buf);
      out.Add(buf);
    }
    PutColumn(&b, out.Build(dst_));
    return std::move(b);
  }

 private:
  std::string src_, dst_;
  bool dedup_;
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackWords(parser_internal::Parser& p) {
  std::string src = "_msg", dst;
  bool dedup = false;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("from")) {
      p.Next();
      if (!p.ReadFieldName(&src)) return p.FailNull(p.Unexpected(), "field name after from");
    } else if (p.Cur().IsKeyword("as")) {
      p.Next();
      if (!p.ReadFieldName(&dst)) return p.FailNull(p.Unexpected(), "field name after as");
    } else if (p.Cur().IsKeyword("drop_duplicates")) {
      p.Next();
      dedup = true;
    } else {
      return p.FailNull(p.Unexpected(), "from, as, drop_duplicates or '|'");
    }
  }
  if (dst.empty()) dst = src;
  return std::make_unique<UnpackWordsPipe>(std::move(src), std::move(dst), dedup);
}

}  // namespace vl::logsql::pipes
