// Token-boundary text matching shared by the word, phrase, prefix and related filters
// (spec §1, §5 #6-#8).
#pragma once

#include <string_view>

namespace vl::logsql {

// `phrase` occurs in `s`, starting and ending on token boundaries where it starts/ends with a
// word character. An empty phrase matches only an empty value.
bool MatchPhrase(std::string_view s, std::string_view phrase);
// Position of the first such occurrence of a non-empty `phrase` at or after `from`, or npos.
size_t FindPhrase(std::string_view s, std::string_view phrase, size_t from);
// Some occurrence of `prefix` in `s` starts on a token boundary. An empty prefix matches any
// non-empty value.
bool MatchPrefix(std::string_view s, std::string_view prefix);

}  // namespace vl::logsql
