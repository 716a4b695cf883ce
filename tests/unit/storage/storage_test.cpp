#include <gtest/gtest.h>

#include <thread>

#include "../../storage/test_util.h"

using namespace vl;
using namespace vl::storage_test;

namespace {
constexpr int64_t kSec = 1'000'000'000LL;
}

TEST(Storage, AddFlushSearch) {
  TempDir dir;
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  // Yesterday 01:00 UTC: the 1000 s of rows stay within one day partition whatever the time now.
  constexpr int64_t kDay = 86400 * kSec;
  int64_t base = (NowNs() / kDay - 1) * kDay + 3600 * kSec;
  std::vector<LogRow> rows;
  for (int i = 0; i < 1000; i++) rows.push_back(MakeRow({0, 0}, base + i * kSec, i % 2 ? "a" : "b", i));
  for (int i = 0; i < 100; i++) rows.push_back(MakeRow({1, 0}, base + i * kSec, "a", 10000 + i));
  AddResult res;
  ASSERT_TRUE(s->Add(rows, &res).ok());
  EXPECT_EQ(res.rows_accepted, 1100u);
  SearchSpec spec;
  EXPECT_TRUE(CollectSeqs(*s, spec).empty());  // not flushed yet
  ASSERT_TRUE(s->ForceFlush().ok());
  auto all = CollectSeqs(*s, spec);
  EXPECT_EQ(all.size(), 1000u);  // tenant 0:0 only
  EXPECT_EQ(all.count(10000), 0u);

  SearchSpec t1;
  t1.tenant = {1, 0};
  EXPECT_EQ(CollectSeqs(*s, t1).size(), 100u);

  // Time range: exact rows in range (visitor filters rows; blocks may overlap the edge).
  SearchSpec range;
  range.min_timestamp = base + 100 * kSec;
  range.max_timestamp = base + 199 * kSec;
  size_t in_range = 0;
  ASSERT_TRUE(s->Search(range, [&](BlockView& b) {
                 for (auto ts : b.timestamps())
                   in_range += ts >= range.min_timestamp && ts <= range.max_timestamp;
                 return true;
               }, false).ok());
  EXPECT_EQ(in_range, 100u);
  SearchSpec none;
  none.min_timestamp = base - 100 * kSec;
  none.max_timestamp = base - 1;
  EXPECT_TRUE(CollectSeqs(*s, none).empty());

  // Stream filter, called once per stream.
  SearchSpec sf;
  int calls = 0;
  sf.stream_filter = [&](const StreamTags& t) {
    calls++;
    return t.Get("app") == "a";
  };
  auto a = CollectSeqs(*s, sf);
  EXPECT_EQ(a.size(), 500u);
  EXPECT_EQ(calls, 2);
  for (auto& [seq, n] : a) EXPECT_EQ(seq % 2, 1u);

  // Parallel search and early stop.
  auto par = CollectSeqs(*s, spec, true);
  EXPECT_EQ(par.size(), 1000u);
  int visits = 0;
  ASSERT_TRUE(s->Search(spec, [&](BlockView&) { return ++visits < 1; }, false).ok());
  EXPECT_EQ(visits, 1);
  std::atomic<bool> cancel{true};
  SearchSpec c = spec;
  c.cancelled = &cancel;
  Status st;
  CollectSeqs(*s, c, false, &st);
  EXPECT_EQ(st.code(), Status::Code::kCancelled);

  auto m = s->GetMetrics();
  EXPECT_EQ(m.rows_ingested, 1100u);
  EXPECT_EQ(m.rows_stored, 1100u);
  EXPECT_EQ(m.pending_rows, 0u);
  EXPECT_GE(m.parts, 1u);
  EXPECT_EQ(m.partitions, 1u);
  EXPECT_GT(m.disk_bytes, 0u);
  ASSERT_TRUE(s->Close().ok());
  ASSERT_TRUE(s->Close().ok());
}

TEST(Storage, RetentionRejects) {
  TempDir dir;
  auto o = TestOptions(dir.path);
  o.retention_ns = 2 * 24 * 3600 * kSec;
  o.future_retention_ns = 1 * 24 * 3600 * kSec;
  auto r = Storage::Open(o);
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  int64_t now = NowNs();
  std::vector<LogRow> rows = {MakeRow({}, now, "a", 1), MakeRow({}, now - 5 * 24 * 3600 * kSec, "a", 2),
                              MakeRow({}, now - 10 * 24 * 3600 * kSec, "a", 3),
                              MakeRow({}, now + 5 * 24 * 3600 * kSec, "a", 4)};
  AddResult res;
  ASSERT_TRUE(s->Add(rows, &res).ok());
  EXPECT_EQ(res.rows_accepted, 1u);
  EXPECT_EQ(res.rows_too_old, 2u);
  EXPECT_EQ(res.rows_too_new, 1u);
  auto m = s->GetMetrics();
  EXPECT_EQ(m.rows_dropped_too_old, 2u);
  EXPECT_EQ(m.rows_dropped_too_new, 1u);
  EXPECT_EQ(m.rows_ingested, 1u);
  ASSERT_TRUE(s->ForceFlush().ok());
  EXPECT_EQ(CollectSeqs(*s, SearchSpec()).size(), 1u);
}

TEST(Storage, LockAndReopenAndMerge) {
  TempDir dir;
  int64_t base = NowNs() - 60 * kSec;
  {
    auto r = Storage::Open(TestOptions(dir.path));
    ASSERT_TRUE(r.ok());
    auto second = Storage::Open(TestOptions(dir.path));
    EXPECT_FALSE(second.ok());
    uint64_t seq = 0;
    for (int f = 0; f < 20; f++) {
      std::vector<LogRow> rows;
      for (int i = 0; i < 200; i++, seq++) rows.push_back(MakeRow({}, base + seq, "a", seq));
      ASSERT_TRUE(r.value()->Add(rows, nullptr).ok());
      ASSERT_TRUE(r.value()->ForceFlush().ok());
    }
    // Some rows only in the WAL at Close: Close flushes them.
    std::vector<LogRow> rows = {MakeRow({}, base + seq, "b", seq)};
    ASSERT_TRUE(r.value()->Add(rows, nullptr).ok());
    ASSERT_TRUE(r.value()->Close().ok());
  }
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  EXPECT_EQ(s->GetMetrics().rows_stored, 4001u);
  // Background merges of the first session may already have left a single part.
  const uint64_t parts_at_open = s->GetMetrics().parts;
  s->ForceMerge("");
  // The merge counter moves just after the part list does: wait for both.
  auto merged = [&] {
    auto mm = s->GetMetrics();
    return mm.parts <= 1 && (parts_at_open <= 1 || mm.merges >= 1);
  };
  EXPECT_TRUE(WaitUntil(merged));
  auto m = s->GetMetrics();
  EXPECT_EQ(m.parts, 1u);
  if (parts_at_open > 1) EXPECT_GE(m.merges, 1u);
  auto seen = CollectSeqs(*s, SearchSpec());
  EXPECT_EQ(seen.size(), 4001u);
  for (auto& [seq, n] : seen) ASSERT_EQ(n, 1);
}

TEST(Storage, ConcurrentAddsGroupCommit) {
  TempDir dir;
  auto o = TestOptions(dir.path);
  o.disable_fsync = false;
  o.wal_sync_window_us = 1000;
  o.flush_interval_ms = 50;
  auto r = Storage::Open(o);
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  int64_t base = NowNs();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; i++) {
        uint64_t seq = t * 1000 + i;
        ASSERT_TRUE(s->Add({MakeRow({}, base + seq, "t" + std::to_string(t), seq)}, nullptr).ok());
      }
    });
  for (auto& t : threads) t.join();
  // Background flush makes them visible within a moment.
  EXPECT_TRUE(WaitUntil([&] { return s->GetMetrics().rows_stored >= 400; }));
  EXPECT_EQ(CollectSeqs(*s, SearchSpec()).size(), 400u);
}

// Backpressure: with a tiny pending bound, writers wait for the flusher instead of piling rows
// up in memory, and nothing is lost or duplicated; Close() is not blocked by waiting writers.
TEST(Storage, BackpressureBoundsPendingRows) {
  TempDir dir;
  auto o = TestOptions(dir.path);
  o.max_pending_rows = 20;
  o.max_pending_rows_hard = 40;
  auto r = Storage::Open(o);
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  int64_t base = NowNs();
  std::atomic<uint64_t> max_pending{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; i++) {
        std::vector<LogRow> rows;
        for (int k = 0; k < 10; k++) {
          uint64_t seq = t * 10000 + i * 10 + k;
          rows.push_back(MakeRow({}, base + seq, "t" + std::to_string(t % 2), seq));
        }
        ASSERT_TRUE(s->Add(std::move(rows), nullptr).ok());
        uint64_t p = s->GetMetrics().pending_rows, m = max_pending.load();
        while (p > m && !max_pending.compare_exchange_weak(m, p)) {
        }
      }
    });
  for (auto& t : threads) t.join();
  // Writers only add while at most `hard` rows wait: at most one batch per writer on top.
  EXPECT_LE(max_pending.load(), 40u + 4 * 10);
  ASSERT_TRUE(s->ForceFlush().ok());
  auto seen = CollectSeqs(*s, SearchSpec());
  EXPECT_EQ(seen.size(), 2000u);
  for (const auto& [seq, n] : seen) EXPECT_EQ(n, 1) << seq;
  EXPECT_TRUE(s->Close().ok());
}

TEST(Storage, CompressionRatio) {
  TempDir dir;
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  int64_t base = NowNs() - 3600 * kSec;
  std::vector<LogRow> rows;
  size_t json_bytes = 0;
  const char* paths[] = {"/api/v1/users", "/api/v1/orders", "/static/app.js", "/health", "/login"};
  for (int i = 0; i < 50000; i++) {
    LogRow row;
    row.timestamp = base + i * 1'000'000LL + (i * 7919) % 1000;
    row.stream_tags.Add("host", "web-" + std::to_string(i % 4));
    row.stream_tags.Add("app", "nginx");
    row.stream_tags.Canonicalize();
    row.stream_id = StreamID::Compute(row.tenant, row.stream_tags);
    std::string ip = "10.0." + std::to_string(i % 37) + "." + std::to_string((i * 13) % 251);
    std::string path = paths[(i * 31) % 5];
    std::string status = (i % 17 == 0) ? "500" : "200";
    std::string size = std::to_string(200 + (i * 7919) % 5000);
    row.fields = {{"_msg", ip + " - - \"GET " + path + " HTTP/1.1\" " + status + " " + size},
                  {"remote_addr", ip}, {"method", "GET"}, {"path", path}, {"status", status},
                  {"bytes", size}, {"user_agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},
                  {"request_id", std::to_string(1000000 + i * 3)}, {"duration_ms", std::to_string((i * 13) % 900)},
                  {"level", status == "500" ? "error" : "info"}};
    json_bytes += 60;  // _time + _stream
    for (auto& f : row.fields) json_bytes += f.name.size() + f.value.size() + 6;
    rows.push_back(std::move(row));
  }
  ASSERT_TRUE(s->Add(rows, nullptr).ok());
  ASSERT_TRUE(s->ForceFlush().ok());
  auto m = s->GetMetrics();
  EXPECT_EQ(m.rows_stored, 50000u);
  double ratio = static_cast<double>(json_bytes) / m.disk_bytes;
  std::cout << "json bytes " << json_bytes << " disk " << m.disk_bytes << " ratio " << ratio << "\n";
  EXPECT_GT(ratio, 6.0);
}

TEST(Storage, BackgroundFlushAndMerge) {
  TempDir dir;
  auto o = TestOptions(dir.path);
  o.flush_interval_ms = 10;
  auto r = Storage::Open(o);
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  int64_t base = NowNs() - 60 * kSec;
  uint64_t seq = 0;
  // Each batch waits for the background flusher (no ForceFlush) to store it as a part of its own.
  for (int f = 0; f < 40; f++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 100; i++, seq++) rows.push_back(MakeRow({}, base + seq, "a", seq));
    ASSERT_TRUE(s->Add(rows, nullptr).ok());
    ASSERT_TRUE(WaitUntil([&] { return s->GetMetrics().rows_stored == seq; })) << "batch " << f << " not flushed";
  }
  // The background merger keeps the part count down.
  EXPECT_TRUE(WaitUntil([&] { return s->GetMetrics().parts <= 8 && s->GetMetrics().merges >= 1; }));
  auto m = s->GetMetrics();
  EXPECT_EQ(m.rows_stored, seq);
  EXPECT_LE(m.parts, 8u);
  EXPECT_GE(m.merges, 1u);
  auto seen = CollectSeqs(*s, SearchSpec());
  EXPECT_EQ(seen.size(), seq);
  for (auto& [k, n] : seen) ASSERT_EQ(n, 1);
}

// Options whose free-space probe reads *free_bytes; read-only below 10 MB free.
static StorageOptions FreeSpaceOptions(const std::string& path, std::shared_ptr<std::atomic<uint64_t>> free_bytes) {
  StorageOptions o = TestOptions(path);
  o.min_free_disk_space_bytes = 10'000'000;
  o.free_space_probe = [free_bytes] { return free_bytes->load(); };
  return o;
}

// Merges write new parts, which could take the last bytes the WAL needs: they wait while the
// storage is read-only and run once it is writable again.
TEST(Storage, MergesPauseWhileReadOnly) {
  TempDir dir;
  auto free_bytes = std::make_shared<std::atomic<uint64_t>>(20'000'000);
  auto r = Storage::Open(FreeSpaceOptions(dir.path, free_bytes));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  int64_t base = NowNs() - 3600 * kSec;
  for (int part = 0; part < 3; part++) {  // 3 parts: below the background merge threshold
    ASSERT_TRUE(s->Add({MakeRow({}, base + part, "a", part)}, nullptr).ok());
    ASSERT_TRUE(s->ForceFlush().ok());
  }
  ASSERT_EQ(s->GetMetrics().parts, 3u);

  *free_bytes = 1000;
  ASSERT_TRUE(WaitUntil([&] { return s->IsReadOnly(); }));
  s->ForceMerge("");
  ASSERT_TRUE(WaitUntil([&] { return s->GetMetrics().force_merges_skipped_read_only == 1; }));
  EXPECT_EQ(s->GetMetrics().parts, 3u);
  EXPECT_EQ(s->GetMetrics().merges, 0u);

  *free_bytes = 20'000'000;
  ASSERT_TRUE(WaitUntil([&] { return !s->IsReadOnly(); }));
  s->ForceMerge("");
  ASSERT_TRUE(WaitUntil([&] { return s->GetMetrics().parts == 1; }));
  EXPECT_EQ(s->GetMetrics().force_merges_skipped_read_only, 1u);
  EXPECT_EQ(CollectSeqs(*s, SearchSpec()).size(), 3u);
}

// Low free disk space turns the storage read-only at once; it recovers by itself.
TEST(Storage, ReadOnlyOnLowFreeSpaceAndRecovers) {
  TempDir dir;
  auto free_bytes = std::make_shared<std::atomic<uint64_t>>(1000);
  StorageOptions o = FreeSpaceOptions(dir.path, free_bytes);
  auto r = Storage::Open(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  EXPECT_TRUE(s->IsReadOnly());
  EXPECT_EQ(s->GetMetrics().is_read_only, 1u);
  EXPECT_EQ(s->GetMetrics().free_disk_bytes, 1000u);
  int64_t base = NowNs() - 3600 * kSec;
  AddResult res;
  Status st = s->Add({MakeRow({}, base, "a", 1)}, &res);
  EXPECT_EQ(st.code(), Status::Code::kResourceExhausted) << st.ToString();
  EXPECT_EQ(res.rows_accepted, 0u);

  *free_bytes = 20'000'000;
  ASSERT_TRUE(WaitUntil([&] { return !s->IsReadOnly(); }));
  ASSERT_TRUE(s->Add({MakeRow({}, base, "a", 2)}, &res).ok());
  ASSERT_TRUE(s->ForceFlush().ok());
  auto seen = CollectSeqs(*s, SearchSpec());
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen.count(2), 1u);
  EXPECT_EQ(s->GetMetrics().is_read_only, 0u);

  // 0 disables the guard whatever the free space.
  ASSERT_TRUE(s->Close().ok());
  o.min_free_disk_space_bytes = 0;
  *free_bytes = 0;
  auto r2 = Storage::Open(o);
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2.value()->IsReadOnly());
}

// -retention.maxDiskSpaceUsageBytes drops the oldest days, never the 2 newest.
TEST(Storage, MaxDiskSpaceUsageDropsOldestPartitions) {
  TempDir dir;
  const int64_t day = 24 * 3600 * kSec;
  const int64_t now = NowNs() / day * day + day / 2;  // today's noon: 100 s back stay in the day
  {
    auto r = Storage::Open(TestOptions(dir.path));
    ASSERT_TRUE(r.ok());
    std::vector<LogRow> rows;
    for (int d = 0; d < 5; d++)
      for (int i = 0; i < 100; i++) rows.push_back(MakeRow({}, now - d * day - i * kSec, "a", d * 1000 + i));
    ASSERT_TRUE(r.value()->Add(rows, nullptr).ok());
    ASSERT_TRUE(r.value()->Close().ok());
  }
  StorageOptions o = TestOptions(dir.path);
  o.max_disk_space_usage_bytes = uint64_t{1} << 40;  // far above: nothing goes
  {
    auto r = Storage::Open(o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value()->GetMetrics().partitions, 5u);
    EXPECT_EQ(r.value()->GetMetrics().partitions_dropped_disk_usage, 0u);
    ASSERT_TRUE(r.value()->Close().ok());
  }
  o.max_disk_space_usage_bytes = 1;  // below anything: all but the 2 newest go on open
  auto r = Storage::Open(o);
  ASSERT_TRUE(r.ok());
  auto m = r.value()->GetMetrics();
  EXPECT_EQ(m.partitions, 2u);
  EXPECT_EQ(m.partitions_dropped_disk_usage, 3u);
  auto seen = CollectSeqs(*r.value(), SearchSpec());
  EXPECT_EQ(seen.size(), 200u);
  for (auto& [seq, n] : seen) EXPECT_LT(seq, 2000u) << "row of a dropped day survived";
}

// Flush and merge bytes are counted separately: their ratio is the write amplification.
TEST(Storage, CountsBytesWrittenByFlushesAndMerges) {
  TempDir dir;
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  int64_t base = NowNs() - 3600 * kSec;
  for (int part = 0; part < 3; part++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 200; i++) rows.push_back(MakeRow({}, base + i * kSec, "a", part * 1000 + i));
    ASSERT_TRUE(s->Add(rows, nullptr).ok());
    ASSERT_TRUE(s->ForceFlush().ok());
  }
  auto m = s->GetMetrics();
  EXPECT_EQ(m.bytes_written_flush, m.disk_bytes);
  EXPECT_EQ(m.bytes_written_merge, 0u);
  s->ForceMerge("");
  ASSERT_TRUE(WaitUntil([&] { return s->GetMetrics().parts == 1; }));
  m = s->GetMetrics();
  ASSERT_EQ(m.parts, 1u);
  EXPECT_EQ(m.bytes_written_merge, m.disk_bytes);
}
