// `fields a, b, c*` (`keep`): only the listed fields, in that order.
#include "../parser_impl.h"
#include "pipes.h"

namespace vl::logsql {

std::string FieldsPipe::String() const { return "fields " + FieldListString(fields_); }

void FieldsPipe::UpdateNeeded(NeededFields* needed) const {
  std::vector<std::string> keep;
  for (const auto& f : fields_) {
    // A field the rest of the chain never looks at need not be read (prefixes stay).
    if (needed->all() || f.back() == '*' || needed->Wants(f)) keep.push_back(f);
  }
  needed->SetOnly(std::move(keep));
}

ResultBlock FieldsPipe::Apply(ResultBlock&& b) const {
  ResultBlock out;
  out.rows = b.rows;
  std::vector<bool> used(b.columns.size(), false);
  for (const auto& f : fields_) {
    const bool wildcard = !f.empty() && f.back() == '*';
    bool found = false;
    for (size_t i = 0; i < b.columns.size(); ++i) {
      if (used[i] || !FieldMatches(f, b.columns[i].name)) continue;
      used[i] = true;
      found = true;
      out.columns.push_back(std::move(b.columns[i]));
    }
    if (!found && !wildcard) {
      bool dup = false;
      for (const auto& c : out.columns) dup |= c.name == f;
      if (!dup) out.columns.push_back(ResultColumn::Const(f, "", b.rows));
    }
  }
  return out;
}

namespace pipes {

std::unique_ptr<Pipe> ParseFields(parser_internal::Parser& p) {
  std::vector<std::string> fields;
  if (!p.ReadFieldList(&fields, p.Cur().IsPunct("("))) return nullptr;
  if (fields.empty()) return p.FailNull(p.Unexpected(), "field name");
  for (const auto& f : fields) {
    if (f == "*") return std::make_unique<FieldsPipe>(std::vector<std::string>{"*"});
  }
  return std::make_unique<FieldsPipe>(std::move(fields));
}

}  // namespace pipes
}  // namespace vl::logsql
