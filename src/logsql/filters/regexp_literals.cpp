#include "regexp_literals.h"

#include <cctype>

#include "vl/common/tokenizer.h"

namespace vl::logsql::filters {

namespace {

// Drops the last UTF-8 character of `run` (a quantifier made it optional).
void PopChar(std::string* run) {
  while (!run->empty() && (static_cast<unsigned char>(run->back()) & 0xC0) == 0x80) run->pop_back();
  if (!run->empty()) run->pop_back();
}

bool IsWordByteAt(std::string_view s, size_t i) {
  size_t len = 0;
  return IsWordCharAt(s, i, &len);
}

}  // namespace

std::vector<std::string> RequiredLiterals(std::string_view p) {
  std::vector<std::string> out;
  if (p.find("(?") != std::string_view::npos) return {};  // flags such as (?i) change matching
  std::string run;
  int depth = 0;
  auto flush = [&] {
    if (!run.empty()) out.push_back(run);
    run.clear();
  };
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    switch (c) {
      case '\\': {
        if (i + 1 >= p.size()) return {};
        const char e = p[++i];
        if (e == 'p' || e == 'P') {  // \pL or \p{Greek}
          if (i + 1 < p.size() && p[i + 1] == '{') {
            const size_t close = p.find('}', i + 1);
            if (close == std::string_view::npos) return {};
            i = close;
          } else {
            ++i;
          }
          flush();
        } else if (std::isalnum(static_cast<unsigned char>(e))) {
          if (e == 'Q' || e == 'x' || std::isdigit(static_cast<unsigned char>(e))) return {};
          flush();  // \d, \w, \s, \b, ...: a class or an assertion
        } else if (depth == 0) {
          run.push_back(e);  // an escaped metacharacter is itself
        }
        break;
      }
      case '[': {
        flush();
        size_t j = i + 1;
        if (j < p.size() && p[j] == '^') ++j;
        if (j < p.size() && p[j] == ']') ++j;
        for (; j < p.size() && p[j] != ']'; ++j) {
          if (p[j] == '\\') ++j;
          else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {  // [:alpha:]
            const size_t close = p.find(":]", j + 2);
            if (close == std::string_view::npos) return {};
            j = close + 1;
          }
        }
        if (j >= p.size()) return {};
        i = j;
        break;
      }
      case '(':
        flush();
        ++depth;
        break;
      case ')':
        flush();
        --depth;
        break;
      case '|':
        if (depth == 0) return {};  // a top-level alternative may match without any run
        break;
      case '*':
      case '?':
        PopChar(&run);  // the previous character may be absent
        flush();
        break;
      case '{': {
        PopChar(&run);
        flush();
        const size_t close = p.find('}', i);
        if (close == std::string_view::npos) return {};
        i = close;
        break;
      }
      case '+':
        flush();  // the previous character repeats: what follows is not adjacent to it
        break;
      case '.':
      case '^':
      case '$':
        flush();
        break;
      default:
        if (depth == 0) run.push_back(c);
        break;
    }
  }
  flush();
  return out;
}

std::vector<std::string> RequiredWords(const std::vector<std::string>& literals) {
  std::vector<std::string> words;
  for (const auto& run : literals) {
    std::vector<std::string_view> toks;
    ForEachToken(std::string_view(run), [&](std::string_view t) { toks.push_back(t); });
    if (toks.empty()) continue;
    size_t first = 0, last = toks.size();
    if (IsWordByteAt(run, 0)) ++first;
    if (last > first) {
      size_t j = run.size() - 1;
      while (j > 0 && (static_cast<unsigned char>(run[j]) & 0xC0) == 0x80) --j;
      if (IsWordByteAt(run, j)) --last;
    }
    for (size_t k = first; k < last; ++k) words.emplace_back(toks[k]);
  }
  return words;
}

}  // namespace vl::logsql::filters
