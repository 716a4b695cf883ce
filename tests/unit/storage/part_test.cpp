#include <gtest/gtest.h>

#include "../../storage/test_util.h"
#include "vl/storage/format.h"
#include "vl/storage/part.h"
#include "vl/storage/partition.h"

using namespace vl;
using namespace vl::storage;
using vl::storage_test::MakeRow;
using vl::storage_test::TempDir;

TEST(Part, WriteReadRoundTrip) {
  TempDir dir;
  std::string pdir = dir.path + "/p";
  PartWriter w(pdir, false);
  ASSERT_TRUE(w.Begin().ok());
  StreamTags tags;
  tags.Add("app", "x");
  tags.Canonicalize();
  StreamID id = StreamID::Compute({3, 4}, tags);
  BlockInput in;
  in.names = {"_msg", "empty", "k"};
  std::vector<std::string> msgs;
  for (int i = 0; i < 100; i++) msgs.push_back("hello world " + std::to_string(i));
  in.columns.resize(3);
  for (int i = 0; i < 100; i++) {
    in.timestamps.push_back(1000 + i * 10);
    in.columns[0].push_back(msgs[i]);
    in.columns[1].push_back("");
    in.columns[2].push_back(i % 2 ? "v" : "");
  }
  ASSERT_TRUE(w.AddBlock(id, tags, in).ok());
  PartMeta meta;
  ASSERT_TRUE(w.Finish(7, &meta).ok());
  EXPECT_FALSE(std::filesystem::exists(pdir + ".tmp"));

  auto part = Part::Open(pdir, 1);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  const Part& p = *part.value();
  EXPECT_EQ(p.meta().rows, 100u);
  EXPECT_EQ(p.meta().wal_seq, 7u);
  EXPECT_EQ(p.meta().min_ts, 1000);
  EXPECT_EQ(p.meta().max_ts, 1990);
  ASSERT_EQ(p.blocks().size(), 1u);
  PartBlockView v;
  v.Reset(&p, 0);
  EXPECT_EQ(v.stream_id(), id);
  EXPECT_EQ(v.stream_tags(), tags);
  EXPECT_EQ(v.rows_count(), 100u);
  auto ts = v.timestamps();
  EXPECT_EQ(std::vector<int64_t>(ts.begin(), ts.end()), in.timestamps);
  EXPECT_EQ(v.column_names(), (std::vector<std::string>{"_msg", "k"}));  // all-empty column dropped
  ASSERT_NE(v.column("_msg"), nullptr);
  EXPECT_EQ(*v.column("_msg"), in.columns[0]);
  EXPECT_EQ(*v.column("k"), in.columns[2]);
  EXPECT_EQ(v.column("empty"), nullptr);
  EXPECT_EQ(v.column("nope"), nullptr);
  EXPECT_TRUE(v.MayContainToken("_msg", "hello"));
  EXPECT_TRUE(v.MayContainToken("_msg", "42"));
  EXPECT_FALSE(v.MayContainToken("_msg", "definitelyabsenttoken"));
  EXPECT_FALSE(v.MayContainToken("nope", "hello"));
  EXPECT_TRUE(v.error().ok());
}

TEST(Partition, HalfWrittenAndUnlistedPartsRemoved) {
  TempDir dir;
  std::string pdir = dir.path + "/20240101";
  {
    auto p = Partition::Open(pdir, 19723, false);
    ASSERT_TRUE(p.ok());
    std::vector<LogRow> rows;
    for (int i = 0; i < 50; i++) rows.push_back(MakeRow({}, 1000 + i, "a", i));
    ASSERT_TRUE(p.value()->AddRows(&rows, 1, 1).ok());
  }
  MakeDirs(pdir + "/parts/0000000000000005.tmp");
  MakeDirs(pdir + "/parts/0000000000000009");
  auto p = Partition::Open(pdir, 19723, false);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value()->Snapshot().size(), 1u);
  EXPECT_EQ(ListDir(pdir + "/parts").size(), 1u);
  EXPECT_EQ(p.value()->covered_wal_seq(), 1u);
}

TEST(Partition, MergeKeepsEveryRowOnce) {
  TempDir dir;
  auto pr = Partition::Open(dir.path + "/p", 0, false);
  ASSERT_TRUE(pr.ok());
  auto& p = pr.value();
  uint64_t seq = 0;
  for (int part = 0; part < 12; part++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 700; i++, seq++)
      rows.push_back(MakeRow({}, static_cast<int64_t>((seq * 7919) % 100000), "s" + std::to_string(seq % 5), seq));
    ASSERT_TRUE(p->AddRows(&rows, part + 1, part + 1).ok());
  }
  auto merged = p->Merge(false, 100, nullptr);
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(merged.value());
  EXPECT_LT(p->Snapshot().size(), 12u);
  if (p->Snapshot().size() > 1) {
    merged = p->Merge(true, 101, nullptr);
    ASSERT_TRUE(merged.ok() && merged.value());
  }
  auto parts = p->Snapshot();
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0]->meta().wal_seq, 12u);
  std::map<uint64_t, int> seen;
  PartBlockView v;
  for (size_t b = 0; b < parts[0]->blocks().size(); b++) {
    v.Reset(parts[0].get(), b);
    auto ts = v.timestamps();
    for (size_t i = 1; i < ts.size(); i++) ASSERT_LE(ts[i - 1], ts[i]);
    const auto* col = v.column("seq");
    ASSERT_NE(col, nullptr);
    const auto* odd = v.column("odd");
    for (size_t i = 0; i < col->size(); i++) {
      uint64_t s = std::stoull(std::string((*col)[i]));
      seen[s]++;
      ASSERT_EQ(ts[i], static_cast<int64_t>((s * 7919) % 100000));
      ASSERT_EQ(odd ? (*odd)[i] : "", s % 2 ? "yes" : "");
    }
  }
  EXPECT_EQ(seen.size(), seq);
  for (auto& [s, n] : seen) ASSERT_EQ(n, 1) << s;
  // Old part directories are removed once unreferenced.
  EXPECT_EQ(ListDir(dir.path + "/p/parts").size(), 1u);
}

TEST(Part, HeaderRangesAndInlineConsts) {
  TempDir dir;
  std::string pdir = dir.path + "/p";
  PartWriter w(pdir, false);
  ASSERT_TRUE(w.Begin().ok());
  StreamTags tags;
  tags.Add("app", "nginx");
  tags.Canonicalize();
  StreamID id = StreamID::Compute({0, 0}, tags);
  BlockInput in;
  in.names = {"app", "dur", "ip", "msg"};
  in.columns.resize(4);
  std::vector<std::string> durs, ips;
  for (int i = 0; i < 500; i++) {
    durs.push_back(std::to_string(i) + "." + std::to_string(100 + i % 900));
    ips.push_back("10.0.1." + std::to_string(i % 250));
  }
  for (int i = 0; i < 500; i++) {
    in.timestamps.push_back(i);
    in.columns[0].push_back("nginx");
    in.columns[1].push_back(durs[i]);
    in.columns[2].push_back(ips[i]);
    in.columns[3].push_back(i % 3 ? "GET /x" : "POST /y");
  }
  ASSERT_TRUE(w.AddBlock(id, tags, in).ok());
  PartMeta meta;
  ASSERT_TRUE(w.Finish(1, &meta).ok());
  EXPECT_EQ(meta.format_version, kPartFormatVersion);
  auto part = Part::Open(pdir, 1);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  PartBlockView v;
  v.Reset(part.value().get(), 0);
  std::string_view cv;
  ASSERT_TRUE(v.ConstValue("app", &cv));
  EXPECT_EQ(cv, "nginx");
  ASSERT_TRUE(v.ConstValue("missing", &cv));
  EXPECT_EQ(cv, "");
  EXPECT_FALSE(v.ConstValue("dur", &cv));
  double lo, hi;
  ASSERT_TRUE(v.NumericRange("dur", &lo, &hi));
  EXPECT_EQ(lo, 0.1);
  EXPECT_EQ(hi, 499.599);
  EXPECT_FALSE(v.NumericRange("ip", &lo, &hi));
  EXPECT_FALSE(v.NumericRange("msg", &lo, &hi));
  EXPECT_TRUE(v.MayContainToken("app", "nginx"));
  EXPECT_FALSE(v.MayContainToken("app", "envoy"));
  for (size_t c = 0; c < in.names.size(); c++) {
    ASSERT_NE(v.column(in.names[c]), nullptr);
    EXPECT_EQ(*v.column(in.names[c]), in.columns[c]) << in.names[c];
  }
}

TEST(Part, RejectsUnknownVersionClearly) {
  TempDir dir;
  std::string pdir = dir.path + "/p";
  PartWriter w(pdir, false);
  ASSERT_TRUE(w.Begin().ok());
  PartMeta meta;
  ASSERT_TRUE(w.Finish(1, &meta).ok());
  meta.format_version = 99;
  ASSERT_TRUE(WriteFileSync(pdir + "/meta.json", meta.ToJson(), false).ok());
  auto part = Part::Open(pdir, 1);
  ASSERT_FALSE(part.ok());
  EXPECT_NE(part.status().ToString().find("unsupported part format version 99"), std::string::npos);
}
