// `pack_json [fields (a, b*)] [as result]`: the row's non-empty fields as a JSON object.
#include "pack.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParsePackJson(parser_internal::Parser& p) {
  return PackPipe::Parse(p, "pack_json", [](const auto& fields, std::string* out) {
    out->push_back('{');
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(fields[i].first, out);
      out->push_back(':');
      AppendJsonString(fields[i].second, out);
    }
    out->push_back('}');
  });
}

}  // namespace vl::logsql::pipes
