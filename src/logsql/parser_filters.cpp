// Parser pieces for `_time:` filters, `{...}` stream filters and filter functions (i, exact, re, in).
#include "parser_impl.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql {
namespace parser_internal {

std::unique_ptr<Filter> Parser::ParseFunc(const std::string& field) {
  std::string name = ToLowerAscii(Cur().text);
  Next();  // name
  Next();  // (
  bool ok = true;
  std::unique_ptr<Filter> f;
  if (name == "i" || name == "exact" || name == "re") {
    std::string v = ReadValue(0, &ok);
    bool prefix = false;
    if (Cur().IsPunct("*") && !Cur().space_before) {
      Next();
      prefix = true;
    }
    if (!ok && !prefix) return FailNull(Unexpected(), "value");
    if (name == "re") {
      if (prefix) return FailNull("unexpected '*'", "')'");
      f = MakeRegexp(field, v);
      if (!f) return nullptr;
    } else if (name == "exact") {
      f = Filter::Make(prefix ? FilterKind::kExactPrefix : FilterKind::kExact, field, v);
    } else if (prefix) {
      f = Filter::Make(FilterKind::kPrefix, field, ToLowerAscii(v));
      f->case_insensitive = true;
    } else if (v.empty()) {
      f = Filter::Make(FilterKind::kEmptyValue, field);
    } else {
      f = Filter::Make(FilterKind::kPhrase, field, ToLowerAscii(v));
      f->case_insensitive = true;
    }
  } else if (name == "range") {
    i_ -= 2;
    return ParseRange(field);
  } else if (name == "in") {
    f = Filter::Make(FilterKind::kOr);
    while (!Cur().IsPunct(")")) {
      if (Cur().IsPunct("*")) {
        Next();
        f = Filter::Make(FilterKind::kMatchAll);
        if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "')'");
        break;
      }
      std::string v = ReadValue(0, &ok);
      if (!ok) return FailNull(Unexpected(), "value in in(...)");
      f->children.push_back(Filter::Make(FilterKind::kExact, field, v));
      if (Cur().IsPunct(",")) Next();
      else if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "',' or ')'");
    }
    if (f->kind == FilterKind::kOr && f->children.empty()) {
      return FailNull("empty in(...) list is not supported", "value");
    }
    if (f->kind == FilterKind::kOr && f->children.size() == 1) f = std::move(f->children[0]);
  } else {
    i_ -= 2;
    return FailNull("unsupported filter function \"" + name + "\"", "supported filter");
  }
  if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "')'");
  Next();
  return f;
}

std::unique_ptr<Filter> Parser::ParseComparison(const std::string& field) {
  if (field == "_stream" || field == "_stream_id") {
    return FailNull("range comparison is not supported for " + field, "filter value");
  }
  std::string op = Cur().text;
  Next();
  bool ok = true;
  std::string v = ReadValue(0, &ok);
  if (!ok) return FailNull(Unexpected(), "number or string to compare with");
  return MakeComparisonFilter(field, op, v);
}

std::unique_ptr<Filter> Parser::ParseRange(const std::string& field) {
  Next();  // range
  const bool left_incl = Cur().IsPunct("[");
  Next();  // ( or [
  bool ok = true;
  std::string a = ReadValue(0, &ok);
  if (!ok) return FailNull(Unexpected(), "lower bound of range()");
  if (!Cur().IsPunct(",")) return FailNull(Unexpected(), "','");
  Next();
  std::string b = ReadValue(0, &ok);
  if (!ok) return FailNull(Unexpected(), "upper bound of range()");
  if (!Cur().IsPunct(")") && !Cur().IsPunct("]")) return FailNull(Unexpected(), "')' or ']'");
  const bool right_incl = Cur().IsPunct("]");
  Next();
  std::string err;
  auto f = MakeRangeFilter(field, a, b, left_incl, right_incl, &err);
  if (!f) return FailNull(err, "numeric range bounds");
  return f;
}

std::unique_ptr<Filter> Parser::ParseStream() {
  Next();  // {
  auto f = Filter::Make(FilterKind::kStream, "_stream");
  std::vector<StreamMatcher> group;
  bool ok = true;
  while (true) {
    if (Cur().IsPunct("}")) {
      Next();
      break;
    }
    StreamMatcher m;
    m.label = ReadValue(kStopOps, &ok);
    if (!ok) return FailNull(Unexpected(), "stream label name");
    const Token& op = Cur();
    if (op.IsPunct("=")) m.op = StreamMatcher::Op::kEq;
    else if (op.IsPunct("!=")) m.op = StreamMatcher::Op::kNe;
    else if (op.IsPunct("=~")) m.op = StreamMatcher::Op::kRe;
    else if (op.IsPunct("!~")) m.op = StreamMatcher::Op::kNre;
    else if (op.IsKeyword("in")) m.op = StreamMatcher::Op::kRe;
    else if (op.IsKeyword("not_in")) m.op = StreamMatcher::Op::kNre;
    else return FailNull(Unexpected(), "'=', '!=', '=~', '!~', 'in' or 'not_in'");
    bool list = op.IsKeyword("in") || op.IsKeyword("not_in");
    Next();
    if (list) {
      if (!Cur().IsPunct("(")) return FailNull(Unexpected(), "'('");
      Next();
      std::string re;
      bool any = false;
      while (!Cur().IsPunct(")")) {
        if (Cur().IsPunct("*")) {
          Next();
          re = ".*";
          any = true;
        } else {
          std::string v = ReadValue(kStopOps, &ok);
          if (!ok) return FailNull(Unexpected(), "value");
          if (!any) {
            if (!re.empty()) re += "|";
            re += RE2QuoteMeta(v);
          }
        }
        if (Cur().IsPunct(",")) Next();
        else if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "',' or ')'");
      }
      Next();
      m.value = re;
    } else {
      m.value = ReadValue(kStopOps, &ok);
      if (!ok) return FailNull(Unexpected(), "stream label value");
    }
    if (m.op == StreamMatcher::Op::kRe || m.op == StreamMatcher::Op::kNre) {
      std::string err;
      m.re = CompileRegexp(m.value, &err);
      if (!m.re) return FailNull("invalid regexp \"" + m.value + "\": " + err, "valid RE2 regexp");
    }
    group.push_back(std::move(m));
    if (Cur().IsPunct(",")) {
      Next();
    } else if (Cur().IsKeyword("or")) {
      Next();
      f->stream.or_groups.push_back(std::move(group));
      group.clear();
    } else if (!Cur().IsPunct("}")) {
      return FailNull(Unexpected(), "',', 'or' or '}'");
    }
  }
  if (!group.empty() || !f->stream.or_groups.empty()) f->stream.or_groups.push_back(std::move(group));
  return f;
}

bool Parser::TimeValue(const std::string& s, int64_t* start, int64_t* end) {
  if (ParseTimePeriod(s, start, end)) return true;
  int64_t ts;
  if (ParseTimeArg(s, now_, &ts)) {
    *start = *end = ts;
    return true;
  }
  return false;
}

std::unique_ptr<Filter> Parser::ParseTime() {
  const size_t first_token = i_;
  auto f = Filter::Make(FilterKind::kTime, "_time");
  std::string op;
  for (const char* o : {">=", "<=", ">", "<", "="}) {
    if (Cur().IsPunct(o)) {
      op = o;
      Next();
      break;
    }
  }
  int64_t a = 0, b = 0;
  if (op.empty() && Cur().IsKeyword("offset")) {
    f->max_ts = now_;
  } else if (op.empty() && (Cur().IsPunct("[") || Cur().IsPunct("("))) {
    bool left_incl = Cur().IsPunct("[");
    Next();
    std::string s1 = ReadCompound(0);
    if (s1.empty() || !TimeValue(s1, &a, &b)) return FailNull("cannot parse start time \"" + s1 + "\"", "timestamp");
    f->min_ts = left_incl ? a : a + 1;
    if (!Cur().IsPunct(",")) return FailNull(Unexpected(), "','");
    Next();
    std::string s2 = ReadCompound(0);
    if (s2.empty() || !TimeValue(s2, &a, &b)) return FailNull("cannot parse end time \"" + s2 + "\"", "timestamp");
    if (Cur().IsPunct("]")) f->max_ts = b;
    else if (Cur().IsPunct(")")) f->max_ts = a - 1;
    else return FailNull(Unexpected(), "']' or ')'");
    Next();
  } else {
    std::string s = ReadCompound(0);
    if (s.empty()) return FailNull(Unexpected(), "time filter value");
    int64_t d = 0;
    if (ParseTimePeriod(s, &a, &b)) {
      if (op.empty() || op == "=") {
        f->min_ts = a;
        f->max_ts = b;
      } else if (op == ">") {
        f->min_ts = a + 1;
      } else if (op == ">=") {
        f->min_ts = a;
      } else if (op == "<") {
        f->max_ts = a - 1;
      } else {
        f->max_ts = b;
      }
    } else if (ParseDuration(s, &d)) {
      int64_t t = SatSub(now_, d);
      if (op.empty() || op == "=") {
        f->min_ts = t;
        f->max_ts = now_;
      } else if (op == ">") {
        f->max_ts = t - 1;
      } else if (op == ">=") {
        f->max_ts = t;
      } else {
        f->min_ts = op == "<" ? t + 1 : t;
        f->max_ts = now_;
      }
    } else if (TimeValue(s, &a, &b)) {
      if (op.empty() || op == "=") {
        f->min_ts = a;
        f->max_ts = b;
      } else if (op == ">" || op == ">=") {
        f->min_ts = op == ">" ? a + 1 : a;
      } else {
        f->max_ts = op == "<" ? a - 1 : b;
      }
    } else {
      return FailNull("cannot parse time filter value \"" + s + "\"", "duration or timestamp");
    }
  }
  if (Cur().IsKeyword("offset")) {
    Next();
    std::string s = ReadCompound(0);
    int64_t d = 0;
    if (s.empty() || !ParseDuration(s, &d)) return FailNull("cannot parse offset \"" + s + "\"", "duration");
    f->min_ts = SatSub(f->min_ts, d);
    f->max_ts = SatSub(f->max_ts, d);
  }
  f->time_text = TokensText(first_token, i_);
  return f;
}

std::string Parser::TokensText(size_t first, size_t end) const {
  // From the tokens, not the source span: whitespace and comments between them (a `#` comment
  // runs to the end of its line) become one space.
  std::string out;
  for (size_t k = first; k < end; ++k) {
    if (k > first && t_[k].space_before) out.push_back(' ');
    out.append(text_.substr(t_[k].pos, t_[k].end - t_[k].pos));
  }
  return out;
}

std::string Parser::RE2QuoteMeta(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && static_cast<unsigned char>(c) < 0x80) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace parser_internal
}  // namespace vl::logsql
