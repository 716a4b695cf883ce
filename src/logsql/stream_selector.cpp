#include "vl/logsql/stream_selector.h"

#include <re2/re2.h>

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

bool StreamSelector::MatchesAll() const {
  for (const auto& g : or_groups) {
    if (g.empty()) return true;
  }
  return or_groups.empty();
}

bool StreamSelector::Matches(const StreamTags& tags) const {
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

std::string StreamSelector::ToString() const {
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

void StreamSelector::RequiredLabels(std::vector<std::pair<std::string, std::string>>* out) const {
  if (or_groups.empty()) return;
  auto in_group = [](const std::vector<StreamMatcher>& g, const StreamMatcher& m) {
    for (const auto& x : g)
      if (x.op == StreamMatcher::Op::kEq && x.label == m.label && x.value == m.value) return true;
    return false;
  };
  for (const auto& m : or_groups[0]) {
    if (m.op != StreamMatcher::Op::kEq || m.value.empty()) continue;
    bool everywhere = true;
    for (size_t g = 1; g < or_groups.size() && everywhere; g++) everywhere = in_group(or_groups[g], m);
    if (everywhere) out->emplace_back(m.label, m.value);
  }
}

StreamSelector IntersectSelectors(const StreamSelector& a, const StreamSelector& b) {
  if (a.or_groups.empty()) return b;
  if (b.or_groups.empty()) return a;
  StreamSelector out;
  for (const auto& ga : a.or_groups) {
    for (const auto& gb : b.or_groups) {
      auto g = ga;
      g.insert(g.end(), gb.begin(), gb.end());
      out.or_groups.push_back(std::move(g));
    }
  }
  return out;
}

}  // namespace vl::logsql
