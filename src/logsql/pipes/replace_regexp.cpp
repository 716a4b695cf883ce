// `replace_regexp [if (...)] ("re", "replacement") [at field] [limit N]`: replaces the first N
// (default all) matches of an RE2 regexp; the replacement may use `$1`, `${1}`, `$name`,
// `${name}` and `$$`.
#include <re2/re2.h>

#include "vl/logsql/lexer.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {

bool ParseReplaceArgs(parser_internal::Parser& p, std::string* from, std::string* to, std::string* field, uint64_t* limit);

namespace {

class ReplaceRegexpPipe final : public Pipe {
 public:
  ReplaceRegexpPipe(PipeCondition cond, std::string re, std::string to, std::string field, uint64_t limit)
      : cond_(std::move(cond)), re_text_(std::move(re)), re_(std::make_shared<RE2>(re_text_, RE2::Quiet)),
        to_(std::move(to)), field_(std::move(field)), limit_(limit) {}
  const RE2& re() const { return *re_; }
  std::string String() const override {
    std::string s = "replace_regexp" + cond_.String() + " (" + QuoteLogsql(re_text_) + ", " + QuoteLogsql(to_) + ")";
    if (field_ != "_msg") s += " at " + FieldPatternString(field_);
    if (limit_) s += " limit " + std::to_string(limit_);
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<ReplaceRegexpPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    needed->Add(field_);
    cond_.AddNeeded(needed);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const int n = re_->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<size_t>(n));
    TransformField(&b, field_, cond_, [&](std::string_view v, std::string* out) {
      if (v.empty()) return;
      const re2::StringPiece text(v.data(), v.size());
      size_t pos = 0;       // next byte to search from
      size_t copied = 0;    // bytes of v already in out
      size_t last_end = std::string_view::npos;
      uint64_t count = 0;
      while (pos <= v.size() && (limit_ == 0 || count < limit_)) {
        if (!re_->Match(text, pos, v.size(), RE2::UNANCHORED, m.data(), n)) break;
        const size_t start = static_cast<size_t>(m[0].data() - v.data());
        const size_t end = start + m[0].size();
        if (m[0].empty() && start == last_end) {
          // An empty match right after the previous match does not count (as in Go).
          pos = start + 1;
          continue;
        }
        out->append(v.substr(copied, start - copied));
        Expand(m, out);
        copied = end;
        last_end = end;
        ++count;
        pos = m[0].empty() ? end + 1 : end;
      }
      out->append(v.substr(std::min(copied, v.size())));
    });
    return std::move(b);
  }

 private:
  // The replacement with `$1`, `${name}`... filled from the match.
  void Expand(const std::vector<re2::StringPiece>& m, std::string* out) const {
    const std::string& t = to_;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] != '$' || i + 1 == t.size()) {
        out->push_back(t[i]);
        continue;
      }
      if (t[i + 1] == '$') {
        out->push_back('$');
        ++i;
        continue;
      }
      std::string name;
      size_t j = i + 1;
      if (t[j] == '{') {
        const size_t close = t.find('}', j);
        if (close == std::string::npos) {
          out->push_back('$');
          continue;
        }
        name = t.substr(j + 1, close - j - 1);
        j = close + 1;
      } else {
        while (j < t.size() && (std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '_')) name.push_back(t[j++]);
      }
      if (name.empty()) {
        out->push_back('$');
        continue;
      }
      int idx = -1;
      if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }) && name.size() < 6) {
        idx = std::stoi(name);
      } else {
        auto it = re_->NamedCapturingGroups().find(name);
        if (it != re_->NamedCapturingGroups().end()) idx = it->second;
      }
      if (idx >= 0 && static_cast<size_t>(idx) < m.size() && m[static_cast<size_t>(idx)].data()) {
        out->append(m[static_cast<size_t>(idx)].data(), m[static_cast<size_t>(idx)].size());
      }
      i = j - 1;
    }
  }

  PipeCondition cond_;
  std::string re_text_;
  std::shared_ptr<const RE2> re_;
  std::string to_, field_;
  uint64_t limit_;
};

}  // namespace

std::unique_ptr<Pipe> ParseReplaceRegexp(parser_internal::Parser& p) {
  PipeCondition cond;
  if (!cond.Parse(p)) return nullptr;
  std::string re, to, field;
  uint64_t limit;
  if (!ParseReplaceArgs(p, &re, &to, &field, &limit)) return nullptr;
  auto pipe = std::make_unique<ReplaceRegexpPipe>(std::move(cond), std::move(re), std::move(to), std::move(field), limit);
  if (!pipe->re().ok()) return p.FailNull("invalid regexp: " + pipe->re().error(), "valid RE2 regexp");
  return pipe;
}

}  // namespace vl::logsql::pipes
