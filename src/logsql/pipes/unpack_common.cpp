#include "unpack_common.h"

#include "vl/logsql/lexer.h"

namespace vl::logsql::pipes {

bool UnpackOptions::ParseTrailing(parser_internal::Parser& p, unsigned allowed) {
  while (!AtPipeEnd(p)) {
    if ((allowed & kFrom) && p.Cur().IsKeyword("from")) {
      p.Next();
      if (!p.ReadFieldName(&from)) return p.Fail(p.Unexpected(), "field name after from").ok();
    } else if ((allowed & kFields) && p.Cur().IsKeyword("fields")) {
      p.Next();
      if (!p.ReadFieldList(&fields, /*parens=*/true)) return false;
    } else if ((allowed & kPrefix) && p.Cur().IsKeyword("result_prefix")) {
      p.Next();
      bool ok = true;
      result_prefix = p.ReadValue(0, &ok);
      if (!ok) return p.Fail(p.Unexpected(), "result prefix").ok();
    } else if ((allowed & kKeep) && p.Cur().IsKeyword("keep_original_fields")) {
      p.Next();
      keep_original_fields = true;
    } else if ((allowed & kSkipEmpty) && p.Cur().IsKeyword("skip_empty_results")) {
      p.Next();
      skip_empty_results = true;
    } else if ((allowed & kOffset) && p.Cur().IsKeyword("offset")) {
      p.Next();
      offset = p.ReadCompound(0);
      if (offset.empty()) return p.Fail(p.Unexpected(), "time zone offset").ok();
    } else {
      return p.Fail(p.Unexpected(), "pipe option or '|'").ok();
    }
  }
  return true;
}

std::string UnpackOptions::String() const {
  std::string s;
  if (from != "_msg") s += " from " + FieldPatternString(from);
  if (!fields.empty()) s += " fields (" + FieldListString(fields) + ")";
  if (!result_prefix.empty()) s += " result_prefix " + QuoteLogsql(result_prefix);
  if (!offset.empty()) s += " offset " + offset;
  if (keep_original_fields) s += " keep_original_fields";
  if (skip_empty_results) s += " skip_empty_results";
  return s;
}

bool UnpackOptions::Wants(std::string_view name) const {
  if (fields.empty()) return true;
  for (const auto& f : fields) {
    if (FieldMatches(f, name)) return true;
  }
  return false;
}

void UnpackWriter::Set(size_t r, std::string_view name, std::string_view value) {
  if (!opts_.Wants(name)) return;
  if (opts_.skip_empty_results && value.empty()) return;
  name_buf_.assign(opts_.result_prefix);
  name_buf_.append(name);
  auto it = index_.find(name_buf_);
  if (it == index_.end()) {
    it = index_.emplace(name_buf_, outputs_.size()).first;
    Output o;
    o.name = name_buf_;
    o.values.resize(b_.rows);
    o.set.resize(b_.rows, 0);
    outputs_.push_back(std::move(o));
  }
  Output& o = outputs_[it->second];
  o.values[r].assign(value);
  o.set[r] = 1;
}

void UnpackWriter::Finish(ResultBlock* b) {
  for (auto& o : outputs_) {
    const ResultColumn* old = b->Find(o.name);
    StringsBuilder sb(b->rows);
    for (size_t r = 0; r < b->rows; ++r) {
      const std::string_view prev = ValueAt(old, r);
      // Rows without a result, and non-empty fields kept by keep_original_fields, stay as they were.
      if (!o.set[r] || (opts_.keep_original_fields && !prev.empty())) sb.Add(prev);
      else sb.Add(o.values[r]);
    }
    PutColumn(b, sb.Build(o.name));
  }
}

}  // namespace vl::logsql::pipes
