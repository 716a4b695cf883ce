#include "filter_util.h"

#include <cctype>

#include "vl/common/tokenizer.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql {

namespace {

bool StartsWithWordChar(std::string_view p) {
  size_t len = 0;
  return !p.empty() && IsWordCharAt(p, 0, &len);
}

bool EndsWithWordChar(std::string_view p) {
  if (p.empty()) return false;
  size_t j = p.size() - 1;
  while (j > 0 && (static_cast<unsigned char>(p[j]) & 0xC0) == 0x80) --j;
  size_t len = 0;
  return IsWordCharAt(p, j, &len);
}

}  // namespace

size_t FindPhrase(std::string_view s, std::string_view p, size_t from) {
  const bool check_start = StartsWithWordChar(p);
  const bool check_end = EndsWithWordChar(p);
  size_t pos = from;
  while ((pos = s.find(p, pos)) != std::string_view::npos) {
    if ((!check_start || IsTokenBoundaryBefore(s, pos)) && (!check_end || IsTokenBoundaryAfter(s, pos + p.size()))) {
      return pos;
    }
    ++pos;
  }
  return std::string_view::npos;
}

bool MatchPhrase(std::string_view s, std::string_view p) {
  if (p.empty()) return s.empty();
  if (s.size() < p.size()) return false;  // also every missing value, without a call
  return FindPhrase(s, p, 0) != std::string_view::npos;
}

bool MatchPrefix(std::string_view s, std::string_view p) {
  if (p.empty()) return !s.empty();
  const bool check_start = StartsWithWordChar(p);
  size_t pos = 0;
  while ((pos = s.find(p, pos)) != std::string_view::npos) {
    if (!check_start || IsTokenBoundaryBefore(s, pos)) return true;
    ++pos;
  }
  return false;
}

namespace filters {

std::vector<std::string> WordTokens(std::string_view text, bool open_end) {
  std::vector<std::string> toks;
  ForEachToken(text, [&](std::string_view t) { toks.emplace_back(t); });
  if (open_end && !toks.empty() && EndsWithWordChar(text)) toks.pop_back();
  return toks;
}

bool TokensMayBePresent(EvalSource& src, const std::string& field, const std::vector<std::string>& tokens) {
  if (IsSpecialField(field)) return true;
  for (const auto& t : tokens) {
    if (!src.MayContainToken(field, t)) return false;
  }
  return true;
}

std::string FieldPrefix(const std::string& field) {
  if (field == "_msg") return "";
  return QuoteIfNeeded(field) + ":";
}

std::string FuncString(const std::string& field, std::string_view name, const std::vector<std::string>& values) {
  std::string out = FieldPrefix(field);
  out += name;
  out += '(';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += QuoteIfNeeded(values[i]);
  }
  return out + ")";
}

std::vector<std::string> AllWordTokens(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    auto t = WordTokens(v, false);
    out.insert(out.end(), t.begin(), t.end());
  }
  return out;
}

namespace {

// Lowercase of a two-byte UTF-8 code point (U+0080..U+07FF) for the Latin-1, Latin Extended-A,
// Greek and Cyrillic capitals; others map to themselves. Every result is two bytes as well.
uint32_t LowerTwoByte(uint32_t c) {
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
      (c >= 0x410 && c <= 0x42F)) {
    return c + 0x20;
  }
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c == 0x178) return 0xFF;
  if (((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) && c % 2 == 0) return c + 1;
  if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && c % 2 == 1) return c + 1;
  return c;
}

}  // namespace

std::string_view LowerInto(std::string_view s, std::string* buf) {
  buf->resize(s.size());
  const char* in = s.data();
  char* out = buf->data();
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = in[i];
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      // ASCII inline (std::tolower is a locale-aware call per byte).
      out[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      continue;
    }
    out[i] = c;
    if ((u & 0xE0) == 0xC0 && i + 1 < n && (static_cast<unsigned char>(in[i + 1]) & 0xC0) == 0x80) {
      const uint32_t cp = ((u & 0x1Fu) << 6) | (static_cast<unsigned char>(in[i + 1]) & 0x3Fu);
      const uint32_t lower = LowerTwoByte(cp);
      out[i] = static_cast<char>(0xC0 | (lower >> 6));
      out[i + 1] = static_cast<char>(0x80 | (lower & 0x3F));
      ++i;
    }
  }
  return *buf;
}

void NarrowToStreamIds(std::vector<StreamID> ids, SearchNarrowing* n) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (n->has_stream_ids) {
    std::vector<StreamID> both;
    std::set_intersection(n->stream_ids.begin(), n->stream_ids.end(), ids.begin(), ids.end(),
                          std::back_inserter(both));
    ids = std::move(both);
  }
  n->has_stream_ids = true;
  n->stream_ids = std::move(ids);
  if (n->stream_ids.empty()) {  // no stream can match: an empty search
    n->min_ts = INT64_MAX;
    n->max_ts = INT64_MIN;
  }
}

void NarrowToStreamIds(const std::vector<std::string>& values, SearchNarrowing* n) {
  std::vector<StreamID> ids;
  for (const auto& v : values) {
    StreamID id;
    // Only the canonical spelling equals the canonical text the filter compares with.
    if (StreamID::Parse(v, &id) && id.ToString() == v) ids.push_back(id);
  }
  NarrowToStreamIds(std::move(ids), n);
}

}  // namespace filters
}  // namespace vl::logsql
