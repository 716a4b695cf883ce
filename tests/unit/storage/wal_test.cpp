// The write-ahead log's segments, group commits and replay, with buffered and with direct I/O
// (O_DIRECT from a staging buffer, zero-padded to 4 KiB blocks).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../../storage/test_util.h"
#include "vl/storage/wal.h"

using namespace vl;
using namespace vl::storage;

namespace {

// Replays the WAL in `dir`: every row's timestamp minus 1000, in log order.
Status ReplayTimestampsFrom1000(const std::string& dir, std::vector<int64_t>* seen, WalReplayStats* stats) {
  return Wal::Replay(dir, [&](uint64_t, std::vector<LogRow>&& rows) {
    for (auto& r : rows) seen->push_back(r.timestamp - 1000);
  }, stats);
}

std::string Payload(int64_t ts, int value, size_t big_field = 0) {
  LogRow row = storage_test::MakeRow({}, ts, "a", value);
  if (big_field > 0) row.fields.push_back(Field{"big", std::string(big_field, static_cast<char>('a' + value % 26))});
  std::string p;
  EncodeRows({row}, &p);
  return p;
}

class WalTest : public ::testing::TestWithParam<bool> {
 protected:
  bool direct_io() const { return GetParam(); }
};

// More records in one group commit than one writev takes (IOV_MAX pieces): all land, in order.
TEST_P(WalTest, ManyRecordsInOneCommit) {
  storage_test::TempDir dir;
  constexpr int kRecords = 3000;
  std::vector<std::string> payloads(kRecords);  // Append does not copy: keep them alive
  {
    Wal wal(dir.path, 200000, false, 1, direct_io());  // a 200 ms window gathers every record into one batch
    wal.Start();
    uint64_t lsn = 0;
    for (int i = 0; i < kRecords; i++) {
      payloads[i] = Payload(1000 + i, i);
      lsn = wal.Append(payloads[i]);
    }
    ASSERT_TRUE(wal.WaitDurable(lsn).ok());
    wal.Stop();
  }
  WalReplayStats stats;
  std::vector<int64_t> seen;
  ASSERT_TRUE(ReplayTimestampsFrom1000(dir.path, &seen, &stats).ok());
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; i++) ASSERT_EQ(seen[i], i);
  EXPECT_EQ(stats.truncated_bytes, 0u);
}

// A record written from several chunks replays as one record holding every row in order.
TEST_P(WalTest, MultiPieceRecordReplaysWhole) {
  storage_test::TempDir dir;
  std::vector<std::string> chunks(3);
  for (int c = 0; c < 3; c++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 5; i++) rows.push_back(storage_test::MakeRow({}, 1000 + c * 5 + i, "a", i));
    EncodeRows(rows, &chunks[c]);
  }
  {
    Wal wal(dir.path, 0, false, 1, direct_io());
    wal.Start();
    std::vector<std::string_view> pieces(chunks.begin(), chunks.end());
    ASSERT_TRUE(wal.WaitDurable(wal.Append(pieces)).ok());
    wal.Stop();
  }
  WalReplayStats stats;
  std::vector<int64_t> seen;
  ASSERT_TRUE(ReplayTimestampsFrom1000(dir.path, &seen, &stats).ok());
  EXPECT_EQ(stats.records, 1u);
  ASSERT_EQ(seen.size(), 15u);
  for (int i = 0; i < 15; i++) EXPECT_EQ(seen[i], i);
}

TEST_P(WalTest, SegmentsReplayAndTornTail) {
  storage_test::TempDir dir;
  {
    Wal wal(dir.path, 0, false, 1, direct_io());
    wal.Start();
    for (int i = 0; i < 5; i++) {
      std::string p = Payload(1000 + i, i);
      uint64_t lsn = wal.Append(p);
      ASSERT_TRUE(wal.WaitDurable(lsn).ok());
      uint64_t dummy;
      if (i == 2) wal.Rotate(&dummy);
    }
    wal.Stop();
  }
  // Tear the last record of the last segment.
  std::string last = dir.path + "/" + WalSegmentName(2);
  auto size = std::filesystem::file_size(last);
  std::filesystem::resize_file(last, size - 5);
  std::vector<uint64_t> seqs;
  WalReplayStats stats;
  ASSERT_TRUE(Wal::Replay(dir.path, [&](uint64_t seq, std::vector<LogRow>&& rows) {
                for (auto& r : rows) seqs.push_back(r.timestamp - 1000);
              }, &stats).ok());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(stats.segments, 2u);
  EXPECT_GT(stats.truncated_bytes, 0u);
  EXPECT_LT(std::filesystem::file_size(last), size - 5);
}

// Records of every size around the 4 KiB blocks and the 4 MiB staging buffer, each in a commit
// of its own (every direct write rewrites the previous partial block), then one commit bigger
// than the staging buffer: all replay in order, and a cleanly stopped log has no padding left.
TEST_P(WalTest, RecordsAcrossBlockAndStagingBoundaries) {
  storage_test::TempDir dir;
  const std::vector<size_t> sizes = {0, 10, 4000, 4096, 5000, 100, 5u << 20, 3, 9u << 20, 1};
  uint64_t expect_bytes = 0;
  {
    Wal wal(dir.path, 0, false, 1, direct_io());
    wal.Start();
    for (size_t i = 0; i < sizes.size(); i++) {
      std::string p = Payload(1000 + static_cast<int64_t>(i), static_cast<int>(i), sizes[i]);
      expect_bytes += 8 + p.size();
      ASSERT_TRUE(wal.WaitDurable(wal.Append(p)).ok());
    }
    std::vector<std::string> group;
    for (int i = 0; i < 3; i++) group.push_back(Payload(1000 + 10 + i, 10 + i, 2u << 20));
    uint64_t lsn = 0;
    for (const auto& p : group) {
      expect_bytes += 8 + p.size();
      lsn = wal.Append(p);
    }
    ASSERT_TRUE(wal.WaitDurable(lsn).ok());
    wal.Stop();
  }
  EXPECT_EQ(std::filesystem::file_size(dir.path + "/" + WalSegmentName(1)), expect_bytes);
  WalReplayStats stats;
  std::vector<int64_t> seen;
  ASSERT_TRUE(ReplayTimestampsFrom1000(dir.path, &seen, &stats).ok());
  ASSERT_EQ(seen.size(), sizes.size() + 3);
  for (size_t i = 0; i < seen.size(); i++) EXPECT_EQ(seen[i], static_cast<int64_t>(i));
  EXPECT_EQ(stats.truncated_bytes, 0u);
}

// A crash leaves a direct-I/O segment zero-padded to its block: the padding is the end of the
// records, not damage, in the last segment and in older ones.
TEST_P(WalTest, ZeroPaddingAfterACrashIsNotDamage) {
  storage_test::TempDir dir;
  {
    Wal wal(dir.path, 0, false, 1, direct_io());
    wal.Start();
    for (int i = 0; i < 4; i++) {
      std::string p = Payload(1000 + i, i);
      ASSERT_TRUE(wal.WaitDurable(wal.Append(p)).ok());
      uint64_t dummy;
      if (i == 1) wal.Rotate(&dummy);
    }
    wal.Stop();
  }
  for (uint64_t seq : {1, 2}) {
    std::ofstream f(dir.path + "/" + WalSegmentName(seq), std::ios::binary | std::ios::app);
    const std::string zeros(4096 - std::filesystem::file_size(dir.path + "/" + WalSegmentName(seq)) % 4096, '\0');
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  WalReplayStats stats;
  std::vector<int64_t> seen;
  ASSERT_TRUE(ReplayTimestampsFrom1000(dir.path, &seen, &stats).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(stats.records, 4u);
  EXPECT_EQ(stats.truncated_bytes, 0u);
}

INSTANTIATE_TEST_SUITE_P(IoMode, WalTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "DirectIo" : "Buffered";
                         });

}  // namespace
