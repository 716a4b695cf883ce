#include "vl/logsql/filter.h"

#include <re2/re2.h>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql {

bool StreamMatcher::Matches(const StreamTags& tags) const {
  std::string_view v = tags.Get(label);
  switch (op) {
    case Op::kEq: return v == value;
    case Op::kNe: return v != value;
    case Op::kRe: return re && RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re);
    case Op::kNre: return !(re && RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re));
  }
  return false;
}

bool StreamFilter::MatchesAll() const {
  for (const auto& g : or_groups) {
    if (g.empty()) return true;
  }
  return or_groups.empty();
}

bool StreamFilter::Matches(const StreamTags& tags) const {
  if (or_groups.empty()) return true;
  for (const auto& g : or_groups) {
    bool ok = true;
    for (const auto& m : g) {
      if (!m.Matches(tags)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

std::string StreamFilter::ToString() const {
  std::string out = "{";
  for (size_t gi = 0; gi < or_groups.size(); ++gi) {
    if (gi) out += " or ";
    const auto& g = or_groups[gi];
    for (size_t i = 0; i < g.size(); ++i) {
      if (i) out += ",";
      out += QuoteIfNeeded(g[i].label);
      switch (g[i].op) {
        case StreamMatcher::Op::kEq: out += "="; break;
        case StreamMatcher::Op::kNe: out += "!="; break;
        case StreamMatcher::Op::kRe: out += "=~"; break;
        case StreamMatcher::Op::kNre: out += "!~"; break;
      }
      out += QuoteLogsql(g[i].value);
    }
  }
  out += "}";
  return out;
}

Filter::~Filter() {
  std::vector<std::unique_ptr<Filter>> pending = std::move(children);
  while (!pending.empty()) {
    std::unique_ptr<Filter> f = std::move(pending.back());
    pending.pop_back();
    if (!f) continue;  // a child moved out earlier (rewrites take children over)
    for (auto& c : f->children) pending.push_back(std::move(c));
    f->children.clear();  // f goes away here with no children left to recurse into
  }
}

std::unique_ptr<Filter> Filter::Make(FilterKind kind, std::string field, std::string value) {
  auto f = std::make_unique<Filter>();
  f->kind = kind;
  f->field = std::move(field);
  f->value = std::move(value);
  return f;
}

std::unique_ptr<Filter> Filter::Clone() const {
  auto f = std::make_unique<Filter>();
  f->kind = kind;
  f->field = field;
  f->value = value;
  f->case_insensitive = case_insensitive;
  for (const auto& c : children) f->children.push_back(c->Clone());
  f->min_ts = min_ts;
  f->max_ts = max_ts;
  f->time_text = time_text;
  f->stream = stream;
  f->re = re;
  f->range_min = range_min;
  f->range_max = range_max;
  f->range_string = range_string;
  f->range_op = range_op;
  f->range_text = range_text;
  return f;
}

namespace {

std::string FieldPrefix(const std::string& field) {
  if (field == "_msg") return "";
  return QuoteIfNeeded(field) + ":";
}

std::string ValueText(const Filter& f) {
  switch (f.kind) {
    case FilterKind::kPhrase: return QuoteIfNeeded(f.value);
    case FilterKind::kPrefix: return QuoteIfNeeded(f.value) + "*";
    default: return "";
  }
}

}  // namespace

std::string Filter::ToString() const {
  switch (kind) {
    case FilterKind::kMatchAll: return "*";
    case FilterKind::kAnd: {
      std::string out;
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) out += " ";
        bool paren = children[i]->kind == FilterKind::kOr;
        if (paren) out += "(";
        out += children[i]->ToString();
        if (paren) out += ")";
      }
      return out;
    }
    case FilterKind::kOr: {
      std::string out;
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) out += " or ";
        bool paren = children[i]->kind == FilterKind::kOr;
        if (paren) out += "(";
        out += children[i]->ToString();
        if (paren) out += ")";
      }
      return out;
    }
    case FilterKind::kNot: {
      const Filter& c = *children[0];
      bool paren = c.kind == FilterKind::kAnd || c.kind == FilterKind::kOr;
      return paren ? "!(" + c.ToString() + ")" : "!" + c.ToString();
    }
    case FilterKind::kPhrase:
    case FilterKind::kPrefix:
      if (case_insensitive) return FieldPrefix(field) + "i(" + ValueText(*this) + ")";
      return FieldPrefix(field) + ValueText(*this);
    case FilterKind::kExact: return FieldPrefix(field) + "=" + QuoteIfNeeded(value);
    case FilterKind::kExactPrefix: return FieldPrefix(field) + "=" + QuoteIfNeeded(value) + "*";
    case FilterKind::kAnyValue:
      if (field == "_msg") return "~\".+\"";
      return FieldPrefix(field) + "*";
    case FilterKind::kEmptyValue: return FieldPrefix(field) + "\"\"";
    case FilterKind::kRegexp: return FieldPrefix(field) + "~" + QuoteLogsql(value);
    case FilterKind::kTime: return "_time:" + time_text;
    case FilterKind::kStream: return stream.ToString();
    case FilterKind::kRange: return FieldPrefix(field) + range_text;
  }
  return "*";
}

std::shared_ptr<const re2::RE2> CompileRegexp(const std::string& pattern, std::string* err) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<RE2>(pattern, opts);
  if (!re->ok()) {
    *err = re->error();
    return nullptr;
  }
  return re;
}

namespace {

// Merging `{a or b} {c or d}` multiplies OR groups; past this many the filters stay separate
// (still correct, both are evaluated), so k filters of two groups cannot make 2^k of them.
constexpr size_t kMaxMergedStreamGroups = 64;

bool CanMergeStreamFilters(const StreamFilter& a, const StreamFilter& b) {
  return a.or_groups.empty() || b.or_groups.empty() ||
         a.or_groups.size() * b.or_groups.size() <= kMaxMergedStreamGroups;
}

StreamFilter MergeStreamFilters(const StreamFilter& a, const StreamFilter& b) {
  if (a.or_groups.empty()) return b;
  if (b.or_groups.empty()) return a;
  StreamFilter out;
  for (const auto& ga : a.or_groups) {
    for (const auto& gb : b.or_groups) {
      auto g = ga;
      g.insert(g.end(), gb.begin(), gb.end());
      out.or_groups.push_back(std::move(g));
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<Filter> SimplifyFilter(std::unique_ptr<Filter> f) {
  switch (f->kind) {
    case FilterKind::kAnd:
    case FilterKind::kOr: {
      const bool is_and = f->kind == FilterKind::kAnd;
      std::vector<std::unique_ptr<Filter>> flat;
      for (auto& c : f->children) {
        auto s = SimplifyFilter(std::move(c));
        if (s->kind == f->kind) {
          for (auto& cc : s->children) flat.push_back(std::move(cc));
        } else {
          flat.push_back(std::move(s));
        }
      }
      std::vector<std::unique_ptr<Filter>> out;
      Filter* stream = nullptr;
      for (auto& c : flat) {
        if (c->kind == FilterKind::kMatchAll) {
          if (is_and) continue;
          return Filter::Make(FilterKind::kMatchAll);
        }
        if (is_and && c->kind == FilterKind::kStream) {
          if (stream && CanMergeStreamFilters(stream->stream, c->stream)) {
            stream->stream = MergeStreamFilters(stream->stream, c->stream);
            continue;
          }
          if (!stream) stream = c.get();
        }
        out.push_back(std::move(c));
      }
      if (out.empty()) return Filter::Make(FilterKind::kMatchAll);
      if (out.size() == 1) return std::move(out[0]);
      f->children = std::move(out);
      return f;
    }
    case FilterKind::kNot: {
      auto c = SimplifyFilter(std::move(f->children[0]));
      if (c->kind == FilterKind::kNot) return std::move(c->children[0]);
      f->children[0] = std::move(c);
      return f;
    }
    case FilterKind::kRegexp:
      if (f->value.empty() || f->value == ".*") return Filter::Make(FilterKind::kMatchAll);
      if (f->value == ".+") return Filter::Make(FilterKind::kAnyValue, f->field);
      return f;
    default:
      return f;
  }
}

std::string FormatExactTime(int64_t ns) {
  std::string s;
  AppendRFC3339Nano(ns, &s);
  // Pad the fraction to 9 digits: 2006-01-02T15:04:05[.fff]Z
  size_t z = s.size() - 1;  // 'Z'
  size_t dot = s.find('.');
  if (dot == std::string::npos) {
    s.insert(z, ".000000000");
  } else {
    size_t digits = z - dot - 1;
    if (digits < 9) s.insert(z, std::string(9 - digits, '0'));
  }
  return s;
}

}  // namespace vl::logsql
