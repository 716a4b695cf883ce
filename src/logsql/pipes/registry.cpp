// Every pipe by name and alias: one line each.
#include "registry.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParseFields(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseFilter(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseLimit(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseOffset(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseSort(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseStatsPipe(parser_internal::Parser&);
std::unique_ptr<Pipe> ParseStatsRemotePipe(parser_internal::Parser&);

namespace {

struct Entry {
  std::string_view name;
  PipeParser parse;
};

constexpr Entry kPipes[] = {
    {"fields", ParseFields},
    {"keep", ParseFields},
    {"filter", ParseFilter},
    {"where", ParseFilter},
    {"head", ParseLimit},
    {"limit", ParseLimit},
    {"offset", ParseOffset},
    {"skip", ParseOffset},
    {"order", ParseSort},
    {"sort", ParseSort},
    {"stats", ParseStatsPipe},
    {"stats_remote", ParseStatsRemotePipe},  // internal: partial states for a cluster router
};

}  // namespace

PipeParser FindPipe(std::string_view name) {
  for (const auto& e : kPipes) {
    if (e.name == name) return e.parse;
  }
  return nullptr;
}

}  // namespace vl::logsql::pipes
