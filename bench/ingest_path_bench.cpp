// CPU cost per row of the single-node ingestion path without the network and the disk: JSON
// lines → RowViews → an IngestBatch (the WAL payload), and the bloom-token hashing a flush does
// per string column. Deterministic input (LogGenerator), so before/after figures compare.
//
//   build/bench/ingest_path_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "loggen.h"
#include "vl/insert/jsonline_parser.h"
#include "vl/storage/buffer_pool.h"
#include "vl/storage/column.h"
#include "vl/storage/ingest_batch.h"
#include "vl/storage/partition.h"
#include "vl/storage/row_batch.h"
#include "vl/storage/wal.h"

namespace {

constexpr int kRows = 10000;  // one benchmark request

std::string Generate(int rows) {
  vl::bench::LogGenerator gen(1, 1'700'000'000'000'000'000LL, 1'000'000);
  std::string out;
  for (int i = 0; i < rows; i++) gen.Append(&out);
  return out;
}

const std::string& Body() {
  static const std::string body = Generate(kRows);
  return body;
}

class BatchWriter : public vl::insert::RowWriter {
 public:
  explicit BatchWriter(vl::storage::BufferPool* pool) : pool_(pool), batch_(INT64_MIN, INT64_MAX, pool) {}
  void Append(const vl::RowView& row) override { batch_.Append(row); }
  size_t pending_rows() const override { return batch_.rows(); }
  vl::Status Commit(uint64_t* accepted) override {
    *accepted += batch_.rows();
    for (auto& chunk : batch_.TakePayloads()) pool_->Return(std::move(chunk));
    return vl::Status::OK();
  }

 private:
  vl::storage::BufferPool* pool_;
  vl::storage::IngestBatch batch_;
};

// JSON lines as the WAL payloads a node would store (stream field `app`).
std::vector<std::string> Payloads(const std::string& body) {
  struct Chunks : vl::insert::RowWriter {
    vl::storage::IngestBatch batch{INT64_MIN, INT64_MAX};
    void Append(const vl::RowView& r) override { batch.Append(r); }
    size_t pending_rows() const override { return batch.rows(); }
    vl::Status Commit(uint64_t*) override { return vl::Status::OK(); }
  } chunks;
  vl::insert::CommonParams params;
  params.stream_fields = {"app"};
  vl::insert::JsonLineParser parser(params, &chunks);
  (void)parser.Feed(body);
  (void)parser.Finish();
  return chunks.batch.TakePayloads();
}

void BM_JsonLinesToIngestBatch(benchmark::State& state) {
  const std::string& body = Body();
  vl::storage::BufferPool pool(64u << 20);
  vl::insert::CommonParams params;
  params.stream_fields = {"app"};
  for (auto _ : state) {
    BatchWriter writer(&pool);
    vl::insert::JsonLineParser parser(params, &writer);
    (void)parser.Feed(body);
    (void)parser.Finish();
    uint64_t accepted = 0;
    (void)writer.Commit(&accepted);
    if (accepted != kRows) state.SkipWithError("rows lost");
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_JsonLinesToIngestBatch)->Unit(benchmark::kMillisecond);

void BM_CollectTokenHashesMsg(benchmark::State& state) {
  std::vector<vl::LogRow> rows;
  {
    struct Keep : vl::insert::RowWriter {
      std::vector<vl::LogRow>* rows;
      void Append(const vl::RowView& r) override { rows->push_back(vl::ToLogRow(r)); }
      size_t pending_rows() const override { return rows->size(); }
      vl::Status Commit(uint64_t*) override { return vl::Status::OK(); }
    } keep;
    keep.rows = &rows;
    vl::insert::JsonLineParser parser(vl::insert::CommonParams{}, &keep);
    (void)parser.Feed(Body());
    (void)parser.Finish();
  }
  std::vector<std::string_view> msgs;
  for (const auto& r : rows)
    for (const auto& f : r.fields)
      if (f.name == "_msg") msgs.push_back(f.value);
  std::vector<uint64_t> hashes;
  for (auto _ : state) {
    vl::storage::CollectTokenHashes(msgs, &hashes);
    benchmark::DoNotOptimize(hashes.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(msgs.size()));
}
BENCHMARK(BM_CollectTokenHashesMsg)->Unit(benchmark::kMicrosecond);

}  // namespace

namespace {

// A flush: 100k rows' payloads (about one day's worth of 1 ms steps) decoded and written as one
// part, without fsync, then the part is dropped. The per-row figure is what every flushed row costs; merges
// rebuild blocks the same way (write amplification times).
void BM_FlushPart(benchmark::State& state) {
  const std::string body = Generate(100'000);
  std::vector<std::string> payloads = Payloads(body);
  char tmpl[] = "/tmp/vl_flush_bench_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  int64_t rows = 0;
  uint64_t part_id = 1;
  for (auto _ : state) {
    vl::storage::RowBatch batch(std::move(payloads));
    if (!batch.Decode()) state.SkipWithError("decode failed");
    for (auto& [day, refs] : batch.days()) {
      auto partition = vl::storage::Partition::Open(dir + "/" + std::to_string(day), day, false);
      if (!partition.ok()) {
        state.SkipWithError("cannot open partition");
        break;
      }
      if (!(*partition)->AddRows(batch, &refs, 0, part_id++).ok()) state.SkipWithError("flush failed");
      rows += static_cast<int64_t>(refs.size());
      (*partition)->Drop();
    }
    payloads = batch.TakePayloads();  // the next flush decodes the same rows again
  }
  state.SetItemsProcessed(rows);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_FlushPart)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// A merge of 4 flushed parts of 100k rows each (consecutive time ranges, as successive flushes
// produce) into one: the per-row figure is what each rewrite of a row costs (write amplification
// times per row over the data's life).
void BM_MergeParts(benchmark::State& state) {
  constexpr int kParts = 4, kPartRows = 100'000;
  std::vector<std::string> bodies;
  {
    vl::bench::LogGenerator gen(7, 1'700'000'000'000'000'000LL, 1'000'000);
    for (int p = 0; p < kParts; p++) {
      std::string body;
      for (int i = 0; i < kPartRows; i++) gen.Append(&body);
      bodies.push_back(std::move(body));
    }
  }
  char tmpl[] = "/tmp/vl_merge_bench_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  uint64_t part_id = 1;
  int64_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::shared_ptr<vl::storage::Partition> partition;
    for (const std::string& body : bodies) {
      vl::storage::RowBatch batch(Payloads(body));
      if (!batch.Decode()) state.SkipWithError("decode failed");
      for (auto& [day, refs] : batch.days()) {
        if (!partition) {
          auto opened = vl::storage::Partition::Open(dir + "/" + std::to_string(day), day, false);
          if (!opened.ok()) {
            state.SkipWithError("cannot open partition");
            return;
          }
          partition = *opened;
        }
        if (!partition->AddRows(batch, &refs, 0, part_id++).ok()) state.SkipWithError("flush failed");
        rows += static_cast<int64_t>(refs.size());
      }
    }
    state.ResumeTiming();
    auto merged = partition->Merge(true, part_id++, nullptr);
    if (!merged.ok() || !merged.value()) state.SkipWithError("merge failed");
    state.PauseTiming();
    partition->Drop();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(rows);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_MergeParts)->Unit(benchmark::kMillisecond);

}  // namespace
