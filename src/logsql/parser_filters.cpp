// Parser pieces for `_time:` filters, `{...}` stream filters and filter functions (i, exact, re, in).
#include "parser_impl.h"
#include "pipes/pipes.h"

namespace vl::logsql {
namespace parser_internal {

std::unique_ptr<Filter> Parser::ParseFunc(const std::string& field) {
  const size_t name_pos = i_;
  filters::FilterCall call;
  call.field = field;
  call.name = ToLowerAscii(Cur().text);
  const filters::FilterFunc* fn = filters::FindFilterFunc(call.name);
  Next();  // name
  call.open_bracket = Cur().IsPunct("[");
  Next();  // ( or [
  const size_t args_start = i_;
  if (!ParseFuncArgs(&call)) {
    if (!fn->allows_subquery || call.open_bracket) {
      return FailNull(Unexpected(), fn->allows_brackets ? "',', ')' or ']'" : "',' or ')'");
    }
    i_ = args_start;
    err_ = Status::OK();
    call.args.clear();
    call.star_list = false;
    call.subquery = ParseSubquery();
    if (!call.subquery) return nullptr;
  }
  std::string err;
  auto f = fn->build(call, &err);
  if (!f) {
    i_ = name_pos;
    return FailNull(err, "valid " + call.name + "() arguments");
  }
  return f;
}

bool Parser::ParseFuncArgs(filters::FilterCall* call) {
  const bool brackets = filters::FindFilterFunc(call->name)->allows_brackets;
  while (true) {
    if (Cur().IsPunct(")") || (brackets && Cur().IsPunct("]"))) {
      call->close_bracket = Cur().IsPunct("]");
      Next();
      return true;
    }
    if (Cur().IsPunct("*") && call->args.empty() && (Peek(1).IsPunct(")"))) {
      Next();
      call->star_list = true;
      continue;
    }
    filters::FilterArg arg;
    arg.quoted = Cur().kind == Token::Kind::kQuoted;
    bool ok = true;
    arg.value = ReadValue(0, &ok);
    if (Cur().IsPunct("*") && !Cur().space_before) {
      Next();
      arg.star = true;
      ok = true;
    }
    if (!ok) return false;
    call->args.push_back(std::move(arg));
    if (Cur().IsPunct(",")) {
      Next();
    } else if (!Cur().IsPunct(")") && !Cur().IsPunct("]")) {
      return false;
    }
  }
}

std::unique_ptr<Query> Parser::ParseSubquery(bool one_field) {
  // Each level recurses (parse, print, clone, run): keep it shallow.
  if (subquery_depth_ >= kMaxSubqueryDepth) {
    return FailNull("subqueries are nested deeper than " + std::to_string(kMaxSubqueryDepth) + " levels",
                    "a less nested query");
  }
  ++subquery_depth_;
  auto q = ParseQueryBody(options_, /*subquery=*/true);
  --subquery_depth_;
  if (!q) return nullptr;
  if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "')' after the subquery");
  if (one_field && SubqueryValueField(*q).empty()) {
    return FailNull("the subquery must end with `| fields <one field>` or `| uniq by (<one field>)`", "a subquery returning one field");
  }
  Next();  // )
  return q;
}

bool Parser::ParseOptions(QueryOptions* options) {
  Next();  // options
  Next();  // (
  while (!Cur().IsPunct(")")) {
    const std::string key = Cur().kind == Token::Kind::kBare ? Cur().text : "";
    if (key != "concurrency" && key != "ignore_global_time_filter") {
      return Fail(Unexpected(), "option concurrency or ignore_global_time_filter").ok();
    }
    Next();
    if (!Cur().IsPunct("=")) return Fail(Unexpected(), "'='").ok();
    Next();
    bool ok = true;
    const std::string v = ReadValue(0, &ok);
    if (key == "concurrency") {
      uint64_t n = 0;
      bool digits = !v.empty();
      for (char c : v) {
        if (c < '0' || c > '9' || n > 1'000'000) digits = false;
        else n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      if (!ok || !digits) return Fail("cannot parse concurrency \"" + v + "\"", "a whole number").ok();
      options->concurrency = static_cast<uint32_t>(std::min<uint64_t>(n, 1024));
    } else {
      const std::string l = ToLowerAscii(v);
      if (l == "true" || l == "1" || l == "t") options->ignore_global_time_filter = true;
      else if (l == "false" || l == "0" || l == "f") options->ignore_global_time_filter = false;
      else return Fail("cannot parse ignore_global_time_filter \"" + v + "\"", "true or false").ok();
    }
    if (Cur().IsPunct(",")) Next();
    else if (!Cur().IsPunct(")")) return Fail(Unexpected(), "',' or ')'").ok();
  }
  Next();  // )
  return true;
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
  return filters::MakeComparisonFilter(field, op, v);
}

std::unique_ptr<Filter> Parser::ParseStream() {
  Next();  // {
  StreamSelector sel;
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
      sel.or_groups.push_back(std::move(group));
      group.clear();
    } else if (!Cur().IsPunct("}")) {
      return FailNull(Unexpected(), "',', 'or' or '}'");
    }
  }
  if (!group.empty() || !sel.or_groups.empty()) sel.or_groups.push_back(std::move(group));
  return std::make_unique<filters::StreamFilter>(std::move(sel));
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
  if (Cur().kind == Token::Kind::kBare && (Peek(1).IsPunct("[") || Peek(1).IsPunct("(")) && !Peek(1).space_before) {
    const std::string l = ToLowerAscii(Cur().text);
    if (l == "day_range" || l == "week_range") return ParseDayOrWeekRange(l == "week_range");
  }
  struct {
    int64_t min_ts = INT64_MIN, max_ts = INT64_MAX;
  } r, *f = &r;
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
  return std::make_unique<filters::TimeFilter>(r.min_ts, r.max_ts, TokensText(first_token, i_));
}

namespace {

// `hh:mm` (exactly five characters) as ns since midnight; 24:00 and later is the day's end.
bool ParseDayTime(const std::string& s, int64_t* ns) {
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) || !std::isdigit(static_cast<unsigned char>(s[3])) ||
      !std::isdigit(static_cast<unsigned char>(s[4]))) {
    return false;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 60) return false;
  constexpr int64_t kDay = 86400LL * 1'000'000'000;
  *ns = std::min<int64_t>((h * 3600LL + m * 60LL) * 1'000'000'000, kDay - 1);
  return true;
}

// Sunday = 0; three-letter or full English names, any case.
bool ParseWeekDay(const std::string& s, int* day) {
  static const char* const kNames[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  const std::string l = ToLowerAscii(s);
  for (int d = 0; d < 7; ++d) {
    const std::string full = kNames[d];
    if (l == full || l == full.substr(0, 3)) {
      *day = d;
      return true;
    }
  }
  return false;
}

}  // namespace

std::unique_ptr<Filter> Parser::ParseDayOrWeekRange(bool week) {
  const size_t first_token = i_;
  const char* what = week ? "week_range" : "day_range";
  Next();  // name
  const bool left_incl = Cur().IsPunct("[");
  Next();
  std::string a = ReadCompound(0);
  if (!Cur().IsPunct(",")) return FailNull(Unexpected(), "','");
  Next();
  std::string b = ReadCompound(0);
  if (!Cur().IsPunct("]") && !Cur().IsPunct(")")) return FailNull(Unexpected(), "']' or ')'");
  const bool right_incl = Cur().IsPunct("]");
  Next();
  int64_t offset = 0;
  if (Cur().IsKeyword("offset")) {
    Next();
    std::string d = ReadCompound(0);
    if (d.empty() || !ParseDuration(d, &offset)) return FailNull("cannot parse offset \"" + d + "\"", "duration");
  }
  const std::string text = TokensText(first_token, i_);
  if (week) {
    int lo, hi;
    if (!ParseWeekDay(a, &lo)) return FailNull("cannot parse week day \"" + a + "\" in week_range", "Sun..Sat");
    if (!ParseWeekDay(b, &hi)) return FailNull("cannot parse week day \"" + b + "\" in week_range", "Sun..Sat");
    return filters::MakeWeekRangeFilter(left_incl ? lo : lo + 1, right_incl ? hi : hi - 1, offset, text);
  }
  int64_t lo, hi;
  if (!ParseDayTime(a, &lo)) return FailNull("cannot parse time \"" + a + "\" in " + what, "hh:mm");
  if (!ParseDayTime(b, &hi)) return FailNull("cannot parse time \"" + b + "\" in " + what, "hh:mm");
  return filters::MakeDayRangeFilter(left_incl ? lo : lo + 1, right_incl ? hi : hi - 1, offset, text);
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
