// MergePartRows against a row-at-a-time reference: the merged part holds every input row once,
// per stream in (timestamp, input part, position) order, with its own fields, cut into blocks
// at the row limit.
#include "vl/storage/part_merger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "../../storage/test_util.h"
#include "vl/storage/partition.h"

namespace vl::storage {
namespace {

using Fields = std::map<std::string, std::string>;
struct Row {
  int64_t ts;
  Fields fields;
  bool operator==(const Row& o) const { return ts == o.ts && fields == o.fields; }
};

// Every row of the part's blocks of `stream`, in block order, empty values left out.
std::vector<Row> ReadStream(const Part& part, const StreamID& stream) {
  std::vector<Row> out;
  std::vector<size_t> blocks;
  for (size_t b = 0; b < part.blocks().size(); b++)
    if (part.streams()[part.blocks()[b].stream_idx].id == stream) blocks.push_back(b);
  std::stable_sort(blocks.begin(), blocks.end(),
                   [&](size_t a, size_t b) { return part.blocks()[a].min_ts < part.blocks()[b].min_ts; });
  for (size_t b : blocks) {
    PartBlockView v;
    v.Reset(&part, b);
    auto ts = v.timestamps();
    const auto names = v.column_names();
    for (size_t r = 0; r < ts.size(); r++) {
      Row row{ts[r], {}};
      for (const auto& name : names) {
        const auto* col = v.column(name);
        if (!(*col)[r].empty()) row.fields[name] = std::string((*col)[r]);
      }
      out.push_back(std::move(row));
    }
  }
  return out;
}

TEST(PartMerger, MatchesTheRowAtATimeOrder) {
  storage_test::TempDir dir;
  auto opened = Partition::Open(dir.path + "/p", 0, false);
  ASSERT_TRUE(opened.ok());
  auto& partition = opened.value();
  std::mt19937_64 rng(7);
  uint64_t seq = 0;
  // Overlapping time ranges, repeated timestamps within and across parts, columns that only
  // some parts or rows have, and one stream big enough to need several output blocks.
  for (int p = 0; p < 5; p++) {
    std::vector<LogRow> rows;
    const int n = p == 2 ? static_cast<int>(kMaxBlockRows) + 5000 : 3000;
    for (int i = 0; i < n; i++, seq++) {
      const int64_t ts = static_cast<int64_t>(rng() % 20000);
      LogRow r = storage_test::MakeRow({}, ts, p == 2 || i % 4 == 0 ? "big" : "s" + std::to_string(i % 3), seq);
      if (p % 2 == 0) r.fields.push_back({"part_field_" + std::to_string(p), std::to_string(i)});
      if (i % 7 == 0) r.fields.push_back({"sparse", "x" + std::to_string(i)});
      rows.push_back(std::move(r));
    }
    ASSERT_TRUE(partition->AddRows(&rows, p + 1, p + 1).ok());
  }
  const auto inputs = partition->Snapshot();
  ASSERT_EQ(inputs.size(), 5u);

  const std::string out_dir = dir.path + "/merged";
  PartWriter w(out_dir, false);
  ASSERT_TRUE(w.Begin().ok());
  ASSERT_TRUE(MergePartRows(inputs, &w, nullptr).ok());
  PartMeta meta;
  ASSERT_TRUE(w.Finish(5, &meta).ok());
  auto merged = Part::Open(out_dir, 99);
  ASSERT_TRUE(merged.ok());

  std::map<StreamID, int> streams;
  for (const auto& part : inputs)
    for (const auto& s : part->streams()) streams[s.id]++;
  size_t total = 0;
  for (const auto& [stream, unused] : streams) {
    // Reference: each input's rows in read order, stably sorted by (timestamp, input).
    std::vector<std::pair<size_t, Row>> want;
    for (size_t i = 0; i < inputs.size(); i++)
      for (Row& r : ReadStream(*inputs[i], stream)) want.emplace_back(i, std::move(r));
    std::stable_sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
      return a.second.ts != b.second.ts ? a.second.ts < b.second.ts : a.first < b.first;
    });
    const std::vector<Row> got = ReadStream(*merged.value(), stream);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); i++) ASSERT_EQ(got[i], want[i].second) << "row " << i;
    total += got.size();
  }
  EXPECT_EQ(total, seq);
  std::map<uint32_t, int> blocks_per_stream;
  for (const auto& b : merged.value()->blocks()) {
    EXPECT_LE(b.rows, kMaxBlockRows);
    blocks_per_stream[b.stream_idx]++;
  }
  int most = 0;
  for (const auto& [unused, n] : blocks_per_stream) most = std::max(most, n);
  EXPECT_GE(most, 2);  // the big stream was cut at a block limit
}

TEST(PartMerger, StopsWhenAsked) {
  storage_test::TempDir dir;
  auto opened = Partition::Open(dir.path + "/p", 0, false);
  ASSERT_TRUE(opened.ok());
  for (int p = 0; p < 2; p++) {
    std::vector<LogRow> rows = {storage_test::MakeRow({}, 1000 + p, "a", p)};
    ASSERT_TRUE(opened.value()->AddRows(&rows, p + 1, p + 1).ok());
  }
  PartWriter w(dir.path + "/merged", false);
  ASSERT_TRUE(w.Begin().ok());
  std::atomic<bool> stop{true};
  EXPECT_EQ(MergePartRows(opened.value()->Snapshot(), &w, &stop).code(), Status::Code::kCancelled);
  w.Abort();
}

}  // namespace
}  // namespace vl::storage
