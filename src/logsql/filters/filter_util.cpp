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

std::string_view LowerInto(std::string_view s, std::string* buf) {
  buf->resize(s.size());
  // ASCII only, inline (std::tolower is a locale-aware call per byte): vectorizes.
  const char* in = s.data();
  char* out = buf->data();
  for (size_t i = 0, n = s.size(); i < n; ++i) {
    const char c = in[i];
    out[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
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
