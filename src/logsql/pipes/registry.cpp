// Every pipe by name and alias: one line each.
#include "registry.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParseBlockStats(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseBlocksCount(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseCollapseNums(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseCopy(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseDecolorize(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseDelete(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseDropEmptyFields(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseExtract(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseExtractRegexp(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFacets(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFacetsRemote(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFieldNames(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFieldValues(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFields(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFilter(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFirst(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFormat(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseHash(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseJoin(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseJsonArrayLen(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseLast(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseLen(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseLimit(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseMath(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseOffset(parser_internal::Parser&);
std::unique_ptr<Pipe> ParsePackJson(parser_internal::Parser&);
std::unique_ptr<Pipe> ParsePackLogfmt(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseRename(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseReplace(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseReplaceRegexp(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseSample(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseSort(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseStatsPipe(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseStatsRemotePipe(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseStreamContext(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseTop(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUnion(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUniq(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUnpackJson(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUnpackLogfmt(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUnpackSyslog(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUnpackWords(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseUnroll(parser_internal::Parser&);

namespace {

struct Entry {
  std::string_view name;
  PipeParser parse;
};

constexpr Entry kPipes[] = {
    {"block_stats", ParseBlockStats},
    {"blocks_count", ParseBlocksCount},
    {"collapse_nums", ParseCollapseNums},
    {"copy", ParseCopy},
    {"cp", ParseCopy},
    {"decolorize", ParseDecolorize},
    {"del", ParseDelete},
    {"delete", ParseDelete},
    {"drop", ParseDelete},
    {"drop_empty_fields", ParseDropEmptyFields},
    {"eval", ParseMath},
    {"extract", ParseExtract},
    {"extract_regexp", ParseExtractRegexp},
    {"facets", ParseFacets},
    {"facets_remote", ParseFacetsRemote},  // internal: a node's counts for a router
    {"field_names", ParseFieldNames},
    {"field_values", ParseFieldValues},
    {"fields", ParseFields},
    {"filter", ParseFilter},
    {"first", ParseFirst},
    {"format", ParseFormat},
    {"hash", ParseHash},
    {"head", ParseLimit},
    {"join", ParseJoin},
    {"json_array_len", ParseJsonArrayLen},
    {"keep", ParseFields},
    {"last", ParseLast},
    {"len", ParseLen},
    {"limit", ParseLimit},
    {"math", ParseMath},
    {"mv", ParseRename},
    {"offset", ParseOffset},
    {"order", ParseSort},
    {"pack_json", ParsePackJson},
    {"pack_logfmt", ParsePackLogfmt},
    {"rename", ParseRename},
    {"replace", ParseReplace},
    {"replace_regexp", ParseReplaceRegexp},
    {"rm", ParseDelete},
    {"sample", ParseSample},
    {"skip", ParseOffset},
    {"sort", ParseSort},
    {"stats", ParseStatsPipe},
    {"stats_remote", ParseStatsRemotePipe},  // internal: partial states for a cluster router
    {"stream_context", ParseStreamContext},
    {"top", ParseTop},
    {"union", ParseUnion},
    {"uniq", ParseUniq},
    {"unpack_json", ParseUnpackJson},
    {"unpack_logfmt", ParseUnpackLogfmt},
    {"unpack_syslog", ParseUnpackSyslog},
    {"unpack_words", ParseUnpackWords},
    {"unroll", ParseUnroll},
    {"where", ParseFilter},
};

}  // namespace

PipeParser FindPipe(std::string_view name) {
  for (const auto& e : kPipes) {
    if (e.name == name) return e.parse;
  }
  return nullptr;
}

}  // namespace vl::logsql::pipes
