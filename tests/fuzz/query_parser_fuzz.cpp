// libFuzzer target for the LogsQL parser (scripts/fuzz.sh builds and runs it). Every input must
// parse or fail cleanly; whatever parses must print a canonical form that parses back to the
// same text, and must run over a few rows without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../golden/collect_sink.h"
#include "../golden/mem_searchable.h"
#include "vl/logsql/executor.h"
#include "vl/logsql/query.h"

namespace {

const vl::testing::MemSearchable& Rows() {
  static vl::testing::MemSearchable* data = [] {
    auto* d = new vl::testing::MemSearchable();
    const char* msgs[] = {"error: disk full", "GET /api 200 12ms", "", "ошибка 42"};
    int64_t ts = 1'700'000'000'000'000'000;
    for (const char* msg : msgs) {
      vl::LogRow row;
      row.timestamp = ts++;
      row.stream_tags.Add("app", msg[0] == 'G' ? "web" : "db");
      row.stream_tags.Canonicalize();
      row.fields.push_back({"_msg", msg});
      row.fields.push_back({"n", std::to_string(ts % 1000)});
      row.stream_id = vl::StreamID::Compute(row.tenant, row.stream_tags);
      d->Add(std::move(row));
    }
    d->Finish();
    return d;
  }();
  return *data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const int64_t now = 1'700'000'000'000'000'000;
  auto parsed = vl::logsql::ParseQuery(text, now);
  if (!parsed.ok()) return 0;
  const std::string canon = (*parsed)->ToString();
  auto again = vl::logsql::ParseQuery(canon, now);
  if (!again.ok() || (*again)->ToString() != canon) {
    fprintf(stderr, "canonical form does not round-trip:\n  input: %.*s\n  canon: %s\n  again: %s\n",
            static_cast<int>(size), reinterpret_cast<const char*>(data), canon.c_str(),
            again.ok() ? (*again)->ToString().c_str() : again.status().message().c_str());
    abort();
  }
  vl::logsql::test_support::CollectSink sink;
  (void)vl::logsql::ExecuteQuery(Rows(), vl::TenantID{}, **parsed, sink, nullptr);
  return 0;
}
