#include "vl/logsql/lexer.h"
#include "vl/logsql/pipe.h"

namespace vl::logsql {

namespace {

std::string FieldName(const std::string& f) {
  if (!f.empty() && f.back() == '*') return QuoteIfNeeded(f.substr(0, f.size() - 1)) + "*";
  return QuoteIfNeeded(f);
}

std::string FieldList(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ", ";
    out += FieldName(fields[i]);
  }
  return out;
}

}  // namespace

std::string StatsFunc::DefaultName() const {
  return func + "(" + (fields.empty() ? std::string("*") : FieldList(fields)) + ")";
}

std::string PipeSpec::ToString() const {
  switch (kind) {
    case PipeKind::kLimit: return "limit " + std::to_string(n);
    case PipeKind::kOffset: return "offset " + std::to_string(n);
    case PipeKind::kFields: return "fields " + FieldList(fields);
    case PipeKind::kFilter: return "filter " + filter->String();
    case PipeKind::kSort: {
      std::string out = "sort by (";
      for (size_t i = 0; i < sort_by.size(); ++i) {
        if (i) out += ", ";
        out += QuoteIfNeeded(sort_by[i].name);
        if (sort_by[i].desc) out += " desc";
      }
      out += ")";
      if (sort_desc) out += " desc";
      if (sort_offset) out += " offset " + std::to_string(sort_offset);
      if (sort_limit) out += " limit " + std::to_string(sort_limit);
      return out;
    }
    case PipeKind::kStats: {
      static const char* kNames[] = {"stats ", "stats_remote ", "stats_local ", "stats_proxy "};
      std::string out = kNames[static_cast<int>(stats_mode)];
      if (!by.empty()) {
        out += "by (";
        for (size_t i = 0; i < by.size(); ++i) {
          if (i) out += ", ";
          out += FieldName(by[i]);
          if (i < by_buckets.size() && by_buckets[i].kind != StatsBucket::Kind::kNone) out += ":" + by_buckets[i].text;
        }
        out += ") ";
      }
      for (size_t i = 0; i < funcs.size(); ++i) {
        if (i) out += ", ";
        out += funcs[i].DefaultName() + " as " + QuoteIfNeeded(funcs[i].result_name);
      }
      return out;
    }
  }
  return "";
}

std::unique_ptr<PipeSpec> PipeSpec::Clone() const {
  auto p = std::make_unique<PipeSpec>();
  p->kind = kind;
  p->stats_mode = stats_mode;
  p->n = n;
  p->fields = fields;
  p->sort_by = sort_by;
  p->sort_desc = sort_desc;
  p->sort_offset = sort_offset;
  p->sort_limit = sort_limit;
  p->by = by;
  p->by_buckets = by_buckets;
  p->funcs = funcs;
  if (filter) p->filter = filter->Clone();
  return p;
}

bool FieldMatches(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern.back() == '*') {
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == name;
}

ResultBlock SelectRows(const ResultBlock& block, const std::vector<uint8_t>& bm) {
  ResultBlock out;
  size_t n = 0;
  for (size_t i = 0; i < block.rows; ++i) n += bm[i] ? 1 : 0;
  out.rows = n;
  out.columns.reserve(block.columns.size());
  for (const auto& c : block.columns) out.columns.push_back(c.Select(bm, n));
  return out;
}

}  // namespace vl::logsql
