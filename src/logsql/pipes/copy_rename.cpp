// `copy src as dst, ...` (`cp`) and `rename src as dst, ...` (`mv`), applied pair by pair.
// A plain source the row lacks clears the destination; a destination that exists keeps its
// place, a new one is added at the end; `a* as b*` maps every field starting with `a`.
#include "copy_rename.h"

namespace vl::logsql::pipes {

namespace {

bool IsPrefix(const std::string& f) { return !f.empty() && f.back() == '*'; }
std::string_view Stem(const std::string& f) { return std::string_view(f).substr(0, f.size() - 1); }

}  // namespace

std::string CopyRenamePipe::String() const {
  std::string out = rename_ ? "rename " : "copy ";
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (i) out += ", ";
    out += FieldPatternString(pairs_[i].src) + " as " + FieldPatternString(pairs_[i].dst);
  }
  return out;
}

void CopyRenamePipe::UpdateNeeded(NeededFields* needed) const {
  // Back to front: a destination comes from its source.
  for (size_t i = pairs_.size(); i-- > 0;) {
    const FieldMapping& m = pairs_[i];
    if (IsPrefix(m.src) || IsPrefix(m.dst)) {
      needed->Add(m.src);
      continue;
    }
    const bool wanted = needed->Wants(m.dst);
    if (rename_ && m.src != m.dst) needed->Remove(m.src);
    if (m.src != m.dst) needed->Remove(m.dst);
    if (wanted || !rename_) needed->Add(m.src);
  }
}

ResultBlock CopyRenamePipe::Apply(ResultBlock&& b) const {
  for (const FieldMapping& m : pairs_) {
    if (!IsPrefix(m.src)) {
      if (m.src == m.dst) continue;
      const ResultColumn* c = b.Find(m.src);
      ResultColumn copy = c ? *c : ResultColumn::Const("", "", b.rows);
      copy.name = m.dst;
      PutColumn(&b, std::move(copy));
      if (rename_) RemoveColumn(&b, m.src);
      continue;
    }
    // Every field the prefix matches, as the block has them now.
    std::vector<std::string> names;
    for (const auto& c : b.columns) {
      if (FieldMatches(m.src, c.name)) names.push_back(c.name);
    }
    for (const auto& name : names) {
      const std::string to = IsPrefix(m.dst) ? std::string(Stem(m.dst)) + name.substr(m.src.size() - 1) : m.dst;
      if (to == name) continue;
      const ResultColumn* c = b.Find(name);
      if (!c) continue;
      ResultColumn copy = *c;
      copy.name = to;
      PutColumn(&b, std::move(copy));
      if (rename_) RemoveColumn(&b, name);
    }
  }
  return std::move(b);
}

std::unique_ptr<Pipe> CopyRenamePipe::Parse(parser_internal::Parser& p, bool rename) {
  std::vector<FieldMapping> pairs;
  while (true) {
    FieldMapping m;
    if (!p.ReadFieldName(&m.src)) return p.FailNull(p.Unexpected(), "source field name");
    if (p.Cur().IsKeyword("as")) p.Next();
    if (!p.ReadFieldName(&m.dst)) return p.FailNull(p.Unexpected(), "destination field name");
    if (IsPrefix(m.dst) && !IsPrefix(m.src)) {
      return p.FailNull("a wildcard destination \"" + m.dst + "\" needs a wildcard source", "plain destination name");
    }
    pairs.push_back(std::move(m));
    if (!p.Cur().IsPunct(",")) break;
    p.Next();
  }
  return std::make_unique<CopyRenamePipe>(rename, std::move(pairs));
}

std::unique_ptr<Pipe> ParseCopy(parser_internal::Parser& p) { return CopyRenamePipe::Parse(p, false); }
std::unique_ptr<Pipe> ParseRename(parser_internal::Parser& p) { return CopyRenamePipe::Parse(p, true); }

}  // namespace vl::logsql::pipes
