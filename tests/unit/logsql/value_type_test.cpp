// `value_type(...)` answers from how storage encoded a column in each block, so it is checked
// against a real storage engine (the golden runner's in-memory blocks have no encodings).
#include <gtest/gtest.h>

#include "../../golden/collect_sink.h"
#include "../../storage/test_util.h"
#include "vl/common/time_util.h"
#include "vl/logsql/logsql.h"

namespace vl::logsql {
namespace {

size_t Count(const Searchable& data, const std::string& text) {
  auto q = ParseQuery(text, storage_test::NowNs());
  EXPECT_TRUE(q.ok()) << text;
  if (!q.ok()) return 0;
  test_support::CollectSink sink;
  EXPECT_TRUE(ExecuteQuery(data, TenantID{}, *q.value(), sink, nullptr).ok()) << text;
  return static_cast<size_t>(std::count(sink.text.begin(), sink.text.end(), '\n'));
}

TEST(ValueType, MatchesTheStoredEncoding) {
  storage_test::TempDir dir;
  auto r = Storage::Open(storage_test::TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  std::vector<LogRow> rows;
  const int64_t base = storage_test::NowNs() - 3600 * kNanosPerSecond;
  for (int i = 0; i < 300; i++) {
    LogRow row;
    row.timestamp = base + i * kNanosPerSecond;
    row.fields.push_back({"_msg", "message number " + std::to_string(i) + " with unique text " + std::to_string(i * 7919)});
    row.fields.push_back({"big", std::to_string(100000 + i * 1000)});  // distinct numbers up to ~400k
    row.fields.push_back({"same", "constant"});
    row.fields.push_back({"level", i % 3 == 0 ? "error" : "info"});
    row.fields.push_back({"addr", "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250)});
    row.stream_id = StreamID::Compute(row.tenant, row.stream_tags);
    rows.push_back(std::move(row));
  }
  ASSERT_TRUE(s->Add(rows, nullptr).ok());
  ASSERT_TRUE(s->ForceFlush().ok());

  EXPECT_EQ(Count(*s, "big:value_type(uint32)"), 300u);
  EXPECT_EQ(Count(*s, "big:value_type(string)"), 0u);
  EXPECT_EQ(Count(*s, "same:value_type(const)"), 300u);
  EXPECT_EQ(Count(*s, "level:value_type(dict)"), 300u);
  EXPECT_EQ(Count(*s, "addr:value_type(ipv4)"), 300u);
  EXPECT_EQ(Count(*s, "_msg:value_type(string)"), 300u);
  EXPECT_EQ(Count(*s, "missing:value_type(string)"), 0u);
  EXPECT_EQ(Count(*s, "-big:value_type(uint32)"), 0u);
  EXPECT_EQ(Count(*s, "big:value_type(nonsense)"), 0u);
  s->Close();
}

}  // namespace
}  // namespace vl::logsql
