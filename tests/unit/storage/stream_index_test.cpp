// StreamIndex on its own, the per-part stream block ranges, and searches through a real
// StorageEngine that use them (same rows as a full scan, fewer blocks visited).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include "../../storage/test_util.h"
#include "vl/storage/format.h"
#include "vl/storage/part.h"
#include "vl/storage/partition.h"
#include "vl/storage/stream_index.h"

using namespace vl;
using namespace vl::storage;
using namespace vl::storage_test;

namespace {

constexpr int64_t kSec = 1'000'000'000LL;
using Pairs = std::vector<std::pair<std::string, std::string>>;

StreamTags Tags(std::initializer_list<std::pair<std::string, std::string>> labels) {
  StreamTags t;
  for (const auto& [k, v] : labels) t.Add(k, v);
  t.Canonicalize();
  return t;
}

StreamEntry Entry(TenantID tenant, std::initializer_list<std::pair<std::string, std::string>> labels) {
  StreamEntry e;
  e.tags = Tags(labels);
  e.id = StreamID::Compute(tenant, e.tags);
  return e;
}

std::vector<StreamID> Ids(const std::vector<StreamIndex::Candidate>& cands) {
  std::vector<StreamID> out;
  for (const auto& c : cands) out.push_back(c.id);
  return out;
}

std::vector<StreamID> Sorted(std::vector<StreamID> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<StreamID> Lookup(const StreamIndex& idx, TenantID tenant, const Pairs& pairs) {
  StreamLookup q;
  q.tenant = tenant;
  q.label_equals = pairs;
  return Ids(idx.Lookup(q));
}

}  // namespace

TEST(StreamIndex, PostingsIntersection) {
  StreamIndex idx;
  auto api1 = Entry({}, {{"app", "api"}, {"host", "h1"}});
  auto api2 = Entry({}, {{"app", "api"}, {"host", "h2"}});
  auto web1 = Entry({}, {{"app", "web"}, {"host", "h1"}});
  auto bare = Entry({}, {});
  std::vector<StreamEntry> all = {api1, api2, web1, bare};
  idx.Add(all);
  EXPECT_EQ(idx.size(), 4u);

  EXPECT_EQ(Lookup(idx, {}, {}), Sorted({api1.id, api2.id, web1.id, bare.id}));
  EXPECT_EQ(Lookup(idx, {}, {{"app", "api"}}), Sorted({api1.id, api2.id}));
  EXPECT_EQ(Lookup(idx, {}, {{"host", "h1"}}), Sorted({api1.id, web1.id}));
  EXPECT_EQ(Lookup(idx, {}, {{"app", "api"}, {"host", "h1"}}), Sorted({api1.id}));
  EXPECT_EQ(Lookup(idx, {}, {{"host", "h1"}, {"app", "api"}}), Sorted({api1.id}));
  EXPECT_TRUE(Lookup(idx, {}, {{"app", "web"}, {"host", "h2"}}).empty());
  EXPECT_TRUE(Lookup(idx, {}, {{"app", "nope"}}).empty());
  EXPECT_TRUE(Lookup(idx, {}, {{"app", ""}}).empty());  // stored labels are never empty
  EXPECT_TRUE(Lookup(idx, {}, {{"app", "api"}, {"app", "web"}}).empty());
  // Names and values do not bleed into each other.
  EXPECT_TRUE(Lookup(idx, {}, {{"appa", "pi"}}).empty());

  // Candidates carry the stream's labels.
  StreamLookup q;
  Pairs pairs = {{"app", "web"}};
  q.label_equals = pairs;
  auto cands = idx.Lookup(q);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(*cands[0].tags, web1.tags);
}

TEST(StreamIndex, AddIsIdempotent) {
  StreamIndex idx;
  auto a = Entry({}, {{"app", "a"}});
  auto b = Entry({}, {{"app", "b"}});
  idx.Add(a.id, a.tags);
  idx.Add(a.id, a.tags);
  std::vector<StreamEntry> batch = {b, a, b};
  idx.Add(batch);
  EXPECT_EQ(idx.size(), 2u);
  EXPECT_EQ(Lookup(idx, {}, {}), Sorted({a.id, b.id}));
  EXPECT_EQ(Lookup(idx, {}, {{"app", "a"}}), std::vector<StreamID>{a.id});
}

TEST(StreamIndex, TenantsAreSeparate) {
  StreamIndex idx;
  auto t0 = Entry({0, 0}, {{"app", "a"}});
  auto t1 = Entry({1, 0}, {{"app", "a"}});
  auto t2 = Entry({0, 1}, {{"app", "b"}});
  ASSERT_FALSE(t0.id == t1.id);
  std::vector<StreamEntry> all = {t0, t1, t2};
  idx.Add(all);
  EXPECT_EQ(Lookup(idx, {0, 0}, {{"app", "a"}}), std::vector<StreamID>{t0.id});
  EXPECT_EQ(Lookup(idx, {1, 0}, {{"app", "a"}}), std::vector<StreamID>{t1.id});
  EXPECT_TRUE(Lookup(idx, {0, 1}, {{"app", "a"}}).empty());
  EXPECT_EQ(Lookup(idx, {0, 1}, {}), std::vector<StreamID>{t2.id});
  EXPECT_TRUE(Lookup(idx, {7, 7}, {}).empty());

  // An id of another tenant is ignored even when asked for explicitly.
  StreamLookup q;
  q.tenant = {0, 0};
  std::vector<StreamID> ids = {t1.id, t0.id};
  q.ids = std::span<const StreamID>(ids);
  EXPECT_EQ(Ids(idx.Lookup(q)), std::vector<StreamID>{t0.id});
}

TEST(StreamIndex, IdsNarrowCandidates) {
  StreamIndex idx;
  auto a = Entry({}, {{"app", "a"}, {"env", "prod"}});
  auto b = Entry({}, {{"app", "b"}, {"env", "prod"}});
  auto c = Entry({}, {{"app", "c"}, {"env", "dev"}});
  auto unknown = Entry({}, {{"app", "zzz"}});
  std::vector<StreamEntry> all = {a, b, c};
  idx.Add(all);
  StreamLookup q;
  std::vector<StreamID> ids = {c.id, a.id, a.id, unknown.id};
  q.ids = std::span<const StreamID>(ids);
  EXPECT_EQ(Ids(idx.Lookup(q)), Sorted({a.id, c.id}));
  Pairs prod = {{"env", "prod"}};
  q.label_equals = prod;
  EXPECT_EQ(Ids(idx.Lookup(q)), std::vector<StreamID>{a.id});
  std::vector<StreamID> none;
  q.ids = std::span<const StreamID>(none);  // set but empty: nothing can match
  EXPECT_TRUE(idx.Lookup(q).empty());
}

TEST(StreamIndex, ManyAddsMatchBruteForce) {
  StreamIndex idx;
  std::mt19937 rng(42);
  std::vector<StreamEntry> all;
  for (int i = 0; i < 3000; i++) {
    all.push_back(Entry({static_cast<uint32_t>(rng() % 2), 0}, {{"app", "app" + std::to_string(rng() % 7)},
                                         {"host", "h" + std::to_string(rng() % 5)},
                                         {"n", std::to_string(i)}}));
  }
  // A big batch, then single adds and small batches in between: postings must stay sorted.
  idx.Add(std::span<const StreamEntry>(all).first(1000));
  for (size_t i = 1000; i < 1500; i++) idx.Add(all[i].id, all[i].tags);
  for (size_t i = 1500; i < all.size(); i += 100)
    idx.Add(std::span<const StreamEntry>(all).subspan(i, std::min<size_t>(100, all.size() - i)));
  idx.Add(all);  // everything again: no change
  EXPECT_EQ(idx.size(), all.size());
  for (uint32_t tenant = 0; tenant < 2; tenant++) {
    for (int app = 0; app < 7; app++) {
      for (int host = -1; host < 5; host++) {
        Pairs pairs = {{"app", "app" + std::to_string(app)}};
        if (host >= 0) pairs.emplace_back("host", "h" + std::to_string(host));
        std::vector<StreamID> want;
        for (const auto& e : all) {
          bool ok = e.id.tenant == TenantID{tenant, 0};
          for (const auto& [k, v] : pairs) ok = ok && e.tags.Get(k) == v;
          if (ok) want.push_back(e.id);
        }
        EXPECT_EQ(Lookup(idx, {tenant, 0}, pairs), Sorted(want)) << app << " " << host;
      }
    }
  }
}

TEST(StreamIndex, ConcurrentLookupsWhileAdding) {
  StreamIndex idx;
  std::vector<StreamEntry> all;
  for (int i = 0; i < 2000; i++)
    all.push_back(Entry({}, {{"app", i % 2 ? "odd" : "even"}, {"n", std::to_string(i)}}));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; r++) {
    readers.emplace_back([&] {
      Pairs odd = {{"app", "odd"}};
      while (!done.load()) {
        StreamLookup q;
        q.label_equals = odd;
        auto cands = idx.Lookup(q);
        for (size_t i = 0; i < cands.size(); i++) {
          if (cands[i].tags->Get("app") != "odd") bad++;
          if (i && !(cands[i - 1].id < cands[i].id)) bad++;
        }
      }
    });
  }
  for (size_t i = 0; i < all.size(); i += 50) idx.Add(std::span<const StreamEntry>(all).subspan(i, 50));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Lookup(idx, {}, {{"app", "odd"}}).size(), 1000u);
}

// ---- Per-part block ranges ----

namespace {

LogRow Row(TenantID tenant, int64_t ts, const std::string& app, const std::string& host, uint64_t seq) {
  LogRow r;
  r.tenant = tenant;
  r.timestamp = ts;
  r.stream_tags.Add("app", app);
  r.stream_tags.Add("host", host);
  r.stream_tags.Canonicalize();
  r.stream_id = StreamID::Compute(tenant, r.stream_tags);
  r.fields.push_back({"_msg", "row " + std::to_string(seq)});
  r.fields.push_back({"seq", std::to_string(seq)});
  return r;
}

// Start of the current UTC day: rows at base + seconds stay in one partition and inside the
// default retention windows.
int64_t TodayStart() { return DayOf(NowNs()) * kNanosPerDay; }

// Checks that the ranges of a contiguous part cover each block exactly once, by its stream.
void ExpectRangesCoverBlocks(const Part& part) {
  ASSERT_TRUE(part.streams_contiguous());
  std::vector<int> seen(part.blocks().size(), 0);
  for (uint32_t s = 0; s < part.streams().size(); s++) {
    BlockRange r = part.stream_blocks(s);
    EXPECT_LT(r.first, r.end);
    for (uint32_t b = r.first; b < r.end; b++) {
      EXPECT_EQ(part.blocks()[b].stream_idx, s);
      seen[b]++;
    }
    EXPECT_EQ(part.FindStream(part.streams()[s].id), static_cast<int64_t>(s));
  }
  for (int n : seen) EXPECT_EQ(n, 1);
}

}  // namespace

TEST(PartStreamBlocks, FlushAndMergeWriteContiguousStreams) {
  TempDir dir;
  int64_t base = TodayStart();
  auto p = Partition::Open(dir.path + "/p", DayOf(base), false);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  // Interleaved arrival order; several flushes so that the merge interleaves parts.
  for (uint64_t part = 1; part <= 3; part++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 300; i++)
      rows.push_back(Row({}, base + (i * 3 + part) * kSec, "app" + std::to_string(i % 5),
                         "h" + std::to_string(i % 2), part * 1000 + i));
    ASSERT_TRUE(p.value()->AddRows(&rows, 0, part).ok());
  }
  for (const auto& part : p.value()->Snapshot()) ExpectRangesCoverBlocks(*part);
  EXPECT_EQ(p.value()->stream_index().size(), 10u);  // (i % 5, i % 2): 10 pairs
  auto merged = p.value()->Merge(true, 10, nullptr);
  ASSERT_TRUE(merged.ok());
  ASSERT_TRUE(merged.value());
  auto snap = p.value()->Snapshot();
  ASSERT_EQ(snap.size(), 1u);
  ExpectRangesCoverBlocks(*snap[0]);
  EXPECT_EQ(snap[0]->streams().size(), 10u);
  EXPECT_EQ(p.value()->stream_index().size(), 10u);

  // Reopening fills the index from the listed parts.
  auto again = Partition::Open(dir.path + "/p", DayOf(base), false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value()->stream_index().size(), 10u);
}

namespace {

// Writes a part whose blocks go stream A, stream B, stream A: not contiguous.
void WriteInterleavedPart(const std::string& dir, int64_t base, StreamEntry* a, StreamEntry* b) {
  *a = Entry({}, {{"app", "a"}});
  *b = Entry({}, {{"app", "b"}});
  PartWriter w(dir, false);
  ASSERT_TRUE(w.Begin().ok());
  std::vector<std::string> seqs = {"1", "2", "3", "4", "5", "6"};
  auto block = [&](const StreamEntry& s, int64_t t0, size_t first) {
    BlockInput in;
    in.timestamps = {base + t0 * kSec, base + (t0 + 1) * kSec};
    in.names = {"seq"};
    in.columns = {{seqs[first], seqs[first + 1]}};
    ASSERT_TRUE(w.AddBlock(s.id, s.tags, in).ok());
  };
  block(*a, 0, 0);
  block(*b, 0, 2);
  block(*a, 10, 4);
  PartMeta meta;
  ASSERT_TRUE(w.Finish(0, &meta).ok());
}

}  // namespace

TEST(PartStreamBlocks, InterleavedPartFallsBackToFullScan) {
  TempDir dir;
  StreamEntry a, b;
  ASSERT_NO_FATAL_FAILURE(WriteInterleavedPart(dir.path + "/part", TodayStart(), &a, &b));
  auto part = Part::Open(dir.path + "/part", 1);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_FALSE(part.value()->streams_contiguous());
  EXPECT_EQ(part.value()->blocks().size(), 3u);
  int64_t ia = part.value()->FindStream(a.id), ib = part.value()->FindStream(b.id);
  ASSERT_GE(ia, 0);
  ASSERT_GE(ib, 0);
  EXPECT_EQ(part.value()->streams()[ia].tags, a.tags);
  EXPECT_EQ(part.value()->streams()[ib].tags, b.tags);
  EXPECT_EQ(part.value()->FindStream(Entry({}, {{"app", "c"}}).id), -1);
}

// ---- Searches through the storage engine ----

namespace {

struct SearchOutcome {
  std::vector<uint64_t> seqs;       // in visit order (sequential search)
  std::vector<StreamID> streams;    // stream of each visited block
};

SearchOutcome Search(const Storage& s, const SearchSpec& spec) {
  SearchOutcome out;
  Status st = s.Search(
      spec,
      [&](BlockView& b) {
        out.streams.push_back(b.stream_id());
        if (const ColumnValues* col = b.column("seq"))
          for (auto v : *col) out.seqs.push_back(std::stoull(std::string(v)));
        return true;
      },
      /*parallel=*/false);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// What the search of `spec` must return, computed the old way: a plain scan of every block of
// the tenant and time range, with the stream conditions checked on each visited block.
SearchOutcome FullScan(const Storage& s, const SearchSpec& spec) {
  SearchSpec plain;
  plain.tenant = spec.tenant;
  plain.min_timestamp = spec.min_timestamp;
  plain.max_timestamp = spec.max_timestamp;
  SearchOutcome out;
  Status st = s.Search(
      plain,
      [&](BlockView& b) {
        if (spec.stream_filter && !spec.stream_filter(b.stream_tags())) return true;
        for (const auto& [k, v] : spec.stream_label_equals)
          if (b.stream_tags().Get(k) != v) return true;
        if (!spec.stream_ids.empty() &&
            std::find(spec.stream_ids.begin(), spec.stream_ids.end(), b.stream_id()) ==
                spec.stream_ids.end())
          return true;
        out.streams.push_back(b.stream_id());
        if (const ColumnValues* col = b.column("seq"))
          for (auto v : *col) out.seqs.push_back(std::stoull(std::string(v)));
        return true;
      },
      false);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

size_t CountBlocks(const Storage& s, TenantID tenant) {
  SearchSpec spec;
  spec.tenant = tenant;
  return Search(s, spec).streams.size();
}

SearchSpec AppSpec(const std::string& app) {
  SearchSpec spec;
  spec.stream_filter = [app](const StreamTags& t) { return t.Get("app") == app; };
  spec.stream_label_equals = {{"app", app}};
  return spec;
}

// 10 apps x 2 hosts in tenant 0:0, 3 apps in tenant 1:0; one part per batch.
void Fill(Storage* s, int64_t base, int batches) {
  uint64_t seq = 0;
  for (int batch = 0; batch < batches; batch++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 400; i++) {
      rows.push_back(Row({}, base + (batch * 400 + i) * kSec, "app" + std::to_string(i % 10),
                         "h" + std::to_string((i / 10) % 2), seq++));
    }
    for (int i = 0; i < 30; i++)
      rows.push_back(Row({1, 0}, base + (batch * 400 + i) * kSec, "app" + std::to_string(i % 3), "h0",
                         1'000'000 + seq++));
    AddResult res;
    ASSERT_TRUE(s->Add(rows, &res).ok());
    ASSERT_EQ(res.rows_accepted, rows.size());
    ASSERT_TRUE(s->ForceFlush().ok());
  }
}

void ExpectOnlyStreams(const SearchOutcome& got, const std::function<bool(const StreamID&)>& ok) {
  for (const auto& id : got.streams) EXPECT_TRUE(ok(id)) << id.ToString();
}

}  // namespace

TEST(StreamIndexSearch, LabelFilterVisitsOnlyMatchingBlocks) {
  TempDir dir;
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  const int64_t base = TodayStart();
  ASSERT_NO_FATAL_FAILURE(Fill(s.get(), base, 3));
  const size_t total = CountBlocks(*s, {});
  EXPECT_EQ(total, 3u * 20);  // one block per stream per part

  SearchSpec spec = AppSpec("app3");
  int calls = 0;
  auto inner = spec.stream_filter;
  spec.stream_filter = [&](const StreamTags& t) {
    calls++;
    return inner(t);
  };
  SearchOutcome got = Search(*s, spec);
  EXPECT_EQ(calls, 2);  // only the index candidates (app3 on h0 and h1) reach the filter
  spec.stream_filter = inner;
  SearchOutcome want = FullScan(*s, spec);
  EXPECT_EQ(got.seqs, want.seqs);
  EXPECT_EQ(got.streams, want.streams);
  EXPECT_EQ(got.seqs.size(), 3u * 40);
  EXPECT_EQ(got.streams.size(), 3u * 2);  // 2 streams x 3 parts instead of 60 blocks
  auto app3 = [](const StreamID& id) {
    return id == StreamID::Compute({}, Tags({{"app", "app3"}, {"host", "h0"}})) ||
           id == StreamID::Compute({}, Tags({{"app", "app3"}, {"host", "h1"}}));
  };
  ExpectOnlyStreams(got, app3);

  // Two pairs, a time range and a tenant.
  SearchSpec narrow = AppSpec("app1");
  narrow.stream_label_equals.emplace_back("host", "h1");
  narrow.min_timestamp = base + 400 * kSec;
  narrow.max_timestamp = base + 799 * kSec;
  got = Search(*s, narrow);
  EXPECT_EQ(got.streams.size(), 1u);
  EXPECT_EQ(got.seqs, FullScan(*s, narrow).seqs);
  SearchSpec t1 = AppSpec("app1");
  t1.tenant = {1, 0};
  got = Search(*s, t1);
  EXPECT_EQ(got.seqs, FullScan(*s, t1).seqs);
  EXPECT_EQ(got.seqs.size(), 3u * 10);
  EXPECT_EQ(got.streams.size(), 3u);

  // A filter without pairs (e.g. a regexp) still goes through the index, with the same rows.
  SearchSpec re;
  re.stream_filter = [](const StreamTags& t) { return t.Get("app") >= "app7"; };
  EXPECT_EQ(Search(*s, re).seqs, FullScan(*s, re).seqs);
  // No stream matches.
  EXPECT_TRUE(Search(*s, AppSpec("nope")).streams.empty());

  // Parallel search: same rows.
  std::map<uint64_t, int> par = CollectSeqs(*s, AppSpec("app3"), true);
  EXPECT_EQ(par.size(), 3u * 40);
}

TEST(StreamIndexSearch, StreamIdsOnly) {
  TempDir dir;
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok());
  auto& s = r.value();
  ASSERT_NO_FATAL_FAILURE(Fill(s.get(), TodayStart(), 2));
  const StreamID id = StreamID::Compute({}, Tags({{"app", "app5"}, {"host", "h1"}}));
  const StreamID other_tenant = StreamID::Compute({1, 0}, Tags({{"app", "app0"}, {"host", "h0"}}));
  SearchSpec spec;
  spec.stream_ids = {id, other_tenant};
  SearchOutcome got = Search(*s, spec);
  EXPECT_EQ(got.seqs, FullScan(*s, spec).seqs);
  EXPECT_EQ(got.seqs.size(), 2u * 20);
  EXPECT_EQ(got.streams.size(), 2u);
  ExpectOnlyStreams(got, [&](const StreamID& v) { return v == id; });
  // Ids and labels that contradict each other: nothing.
  spec.stream_label_equals = {{"app", "app4"}};
  EXPECT_TRUE(Search(*s, spec).streams.empty());
}

TEST(StreamIndexSearch, SameRowsAfterMergeAndReopen) {
  TempDir dir;
  const int64_t base = TodayStart();
  std::vector<uint64_t> before;
  {
    auto r = Storage::Open(TestOptions(dir.path));
    ASSERT_TRUE(r.ok());
    auto& s = r.value();
    ASSERT_NO_FATAL_FAILURE(Fill(s.get(), base, 4));
    before = Search(*s, AppSpec("app7")).seqs;
    EXPECT_EQ(before.size(), 4u * 40);
    s->ForceMerge("");
    ASSERT_TRUE(WaitUntil([&] { return s->GetMetrics().parts == 1; }));
    SearchOutcome got = Search(*s, AppSpec("app7"));
    EXPECT_EQ(got.streams.size(), 2u);  // one block per stream in the merged part
    std::vector<uint64_t> a = got.seqs, b = before;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    EXPECT_EQ(got.seqs, FullScan(*s, AppSpec("app7")).seqs);
    ASSERT_TRUE(s->Close().ok());
  }
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok());
  SearchOutcome got = Search(*r.value(), AppSpec("app7"));
  EXPECT_EQ(got.streams.size(), 2u);
  EXPECT_EQ(got.seqs, FullScan(*r.value(), AppSpec("app7")).seqs);
  EXPECT_EQ(got.seqs.size(), before.size());
}

TEST(StreamIndexSearch, InterleavedPartStillFound) {
  TempDir dir;
  const int64_t base = TodayStart();
  const std::string pdir = dir.path + "/partitions/" + DayName(DayOf(base));
  StreamEntry a, b;
  ASSERT_NO_FATAL_FAILURE(
      WriteInterleavedPart(pdir + "/parts/" + Partition::PartDirName(1), base, &a, &b));
  ASSERT_TRUE(WriteFileAtomic(pdir + "/parts.json", "{\"parts\":[\"0000000000000001\"]}\n", false).ok());
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  SearchOutcome got = Search(*r.value(), AppSpec("a"));
  EXPECT_EQ(got.seqs, (std::vector<uint64_t>{1, 2, 5, 6}));
  EXPECT_EQ(got.streams.size(), 2u);
  EXPECT_EQ(got.seqs, FullScan(*r.value(), AppSpec("a")).seqs);
  EXPECT_EQ(Search(*r.value(), AppSpec("b")).seqs, (std::vector<uint64_t>{3, 4}));
}
