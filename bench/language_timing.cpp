// Whole-language timing: every query of the LogsQL golden files, run over generated rows in a
// real storage engine (after flush and merge), timed as the median of several runs. Speed must
// hold across the language, not only on a few favourite queries; other seeds give other data.
//
//   build/bench/language_timing [--rows=1000000] [--seed=1] [--runs=5]
//                               [--golden=tests/golden,bench/queries]
//
// `--golden` is a comma-separated list of directories of `.test` files: the behaviour golden
// files, and bench/queries, which times every filter kind over the generator's own fields.
//
// Rows come from LogGenerator (stream field `app`), spread over the hour before the golden
// files' query time (2025-01-01T01:00:00Z), so their relative `_time` filters select subsets.
// Prints one line per query: median and min milliseconds, rows scanned per second at the
// median, blocks read and skipped, rows answered; then the total of the medians, and per filter
// kind the queries using it, their time and the blocks they read and skipped.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "loggen.h"
#include "vl/common/time_util.h"
#include "vl/http/router.h"
#include "vl/insert/jsonline_parser.h"
#include "vl/logsql/executor.h"
#include "vl/logsql/query.h"
#include "vl/storage/storage.h"

namespace {

struct Options {
  uint64_t rows = 1'000'000;
  uint64_t seed = 1;
  int runs = 5;
  std::string golden = "tests/golden,bench/queries";
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      const std::string prefix = std::string("--") + name + "=";
      return a.rfind(prefix, 0) == 0 ? argv[i] + prefix.size() : nullptr;
    };
    if (const char* v = value("rows")) o.rows = std::strtoull(v, nullptr, 10);
    else if (const char* v = value("seed")) o.seed = std::strtoull(v, nullptr, 10);
    else if (const char* v = value("runs")) o.runs = std::max(1, std::atoi(v));
    else if (const char* v = value("golden")) o.golden = v;
    else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      std::exit(2);
    }
  }
  return o;
}

struct GoldenQuery {
  std::string where;  // file:line
  std::string text;
};

std::vector<GoldenQuery> ReadGoldenQueries(const std::string& dirs) {
  std::vector<std::filesystem::path> files;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t comma = dirs.find(',', start);
    if (comma == std::string::npos) comma = dirs.size();
    const std::string dir = dirs.substr(start, comma - start);
    start = comma + 1;
    if (dir.empty()) continue;
    std::vector<std::filesystem::path> here;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".test") here.push_back(e.path());
    }
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  std::vector<GoldenQuery> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      for (const char* kind : {"query ", "query-unordered "}) {
        if (line.rfind(kind, 0) == 0) {
          out.push_back({f.filename().string() + ":" + std::to_string(line_no), line.substr(std::strlen(kind))});
        }
      }
    }
  }
  return out;
}

class CountingSink : public vl::logsql::ResultSink {
 public:
  bool Write(const vl::logsql::ResultBlock& block) override {
    rows += block.rows;
    return true;
  }
  uint64_t rows = 0;
};

// Kinds of the filters in the query's filter tree and filter pipes, each once.
std::vector<std::string> FilterKinds(const vl::logsql::Query& q) {
  std::vector<const vl::logsql::Filter*> todo = {&q.filter()};
  for (const auto& p : q.pipes()) {
    if (const auto* f = p->filter()) todo.push_back(f);
  }
  std::vector<std::string> kinds;
  while (!todo.empty()) {
    const vl::logsql::Filter* f = todo.back();
    todo.pop_back();
    kinds.emplace_back(f->kind());
    for (const auto& c : f->children()) todo.push_back(c.get());
  }
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  return kinds;
}

struct KindTotals {
  int queries = 0;
  double median_ms = 0;
  uint64_t read = 0, skipped = 0;
};

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  // The server's allocator settings (src/main.cpp), so that queries are timed as it runs them:
  // without them, large per-block buffers are fresh mmaps whose page faults dominate some runs.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  const Options opt = ParseArgs(argc, argv);
  int64_t now = 0;
  vl::ParseRFC3339("2025-01-01T01:00:00Z", &now);
  const auto queries = ReadGoldenQueries(opt.golden);
  if (queries.empty()) {
    std::fprintf(stderr, "no queries under %s\n", opt.golden.c_str());
    return 2;
  }

  char tmpl[] = "/tmp/vl_language_timing_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  vl::StorageOptions so;
  so.data_path = dir;
  so.disable_fsync = true;
  so.flush_interval_ms = 100000;
  so.retention_ns = 200LL * 365 * 24 * 3600 * vl::kNanosPerSecond;  // the data sits in 2024
  so.future_retention_ns = so.retention_ns;
  so.min_free_disk_space_bytes = 0;
  auto opened = vl::Storage::Open(so);
  if (!opened.ok()) {
    std::fprintf(stderr, "cannot open storage: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& storage = *opened;

  // Ingest through the same JSON lines parser the server uses, 100k rows per request.
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t step = std::max<int64_t>(1, 3600LL * vl::kNanosPerSecond / static_cast<int64_t>(opt.rows));
  vl::bench::LogGenerator gen(opt.seed, now - static_cast<int64_t>(opt.rows) * step, step);
  vl::http::LocalRowStore rows(storage.get());
  vl::insert::CommonParams params;
  params.stream_fields = {"app"};
  uint64_t stored = 0;
  for (uint64_t done = 0; done < opt.rows;) {
    std::string body;
    const uint64_t n = std::min<uint64_t>(100'000, opt.rows - done);
    for (uint64_t i = 0; i < n; ++i) gen.Append(&body);
    done += n;
    auto writer = rows.NewWriter();
    vl::insert::JsonLineParser parser(params, writer.get());
    vl::Status s = parser.Feed(body);
    if (s.ok()) s = parser.Finish();
    if (s.ok()) s = writer->Commit(&stored);
    if (!s.ok()) {
      std::fprintf(stderr, "ingestion failed: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  if (!storage->ForceFlush().ok()) return 1;
  storage->ForceMerge("");
  for (int i = 0; i < 6000; ++i) {  // bounded: 10 minutes
    auto m = storage->GetMetrics();
    if (m.parts == m.partitions) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto m = storage->GetMetrics();
  std::printf("# %llu rows (seed %llu) stored in %.1f s: %llu parts in %llu partitions, %.1f MiB\n",
              static_cast<unsigned long long>(stored), static_cast<unsigned long long>(opt.seed),
              Millis(std::chrono::steady_clock::now() - t0) / 1000, static_cast<unsigned long long>(m.parts),
              static_cast<unsigned long long>(m.partitions), m.disk_bytes / 1048576.0);
  std::printf("# median of %d runs; Mrows/s = stored rows / median\n", opt.runs);
  std::printf("%-16s %9s %9s %9s %8s %8s %9s  %s\n", "where", "median_ms", "min_ms", "Mrows/s", "read",
              "skipped", "answered", "query");

  double total_median = 0;
  int failed = 0;
  std::map<std::string, KindTotals> per_kind;
  for (const auto& q : queries) {
    auto parsed = vl::logsql::ParseQuery(q.text, now);
    if (!parsed.ok()) {
      std::printf("%-16s %s: %s\n", q.where.c_str(), "parse error", parsed.status().message().c_str());
      ++failed;
      continue;
    }
    std::vector<double> times;
    vl::logsql::QueryStats stats;
    uint64_t answered = 0;
    for (int r = 0; r < opt.runs; ++r) {
      CountingSink sink;
      vl::logsql::QueryStats run_stats;
      const auto start = std::chrono::steady_clock::now();
      vl::Status s = vl::logsql::ExecuteQuery(*storage, vl::TenantID{}, **parsed, sink, nullptr, &run_stats);
      times.push_back(Millis(std::chrono::steady_clock::now() - start));
      if (!s.ok()) {
        std::printf("%-16s execution error: %s\n", q.where.c_str(), s.ToString().c_str());
        ++failed;
        break;
      }
      stats = run_stats;
      answered = sink.rows;
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    total_median += median;
    for (const auto& k : FilterKinds(**parsed)) {
      KindTotals& t = per_kind[k];
      ++t.queries;
      t.median_ms += median;
      t.read += stats.blocks_read;
      t.skipped += stats.blocks_skipped;
    }
    std::printf("%-16s %9.2f %9.2f %9.1f %8llu %8llu %9llu  %s\n", q.where.c_str(), median, times[0],
                stored / median / 1000.0, static_cast<unsigned long long>(stats.blocks_read),
                static_cast<unsigned long long>(stats.blocks_skipped), static_cast<unsigned long long>(answered),
                q.text.c_str());
  }
  std::printf("# %zu queries, total of medians %.1f ms, %d failed\n", queries.size(), total_median, failed);
  std::printf("# per filter kind: queries using it, their total of medians, blocks read and skipped\n");
  std::printf("# %-18s %7s %10s %8s %8s\n", "kind", "queries", "ms", "read", "skipped");
  for (const auto& [kind, t] : per_kind) {
    std::printf("# %-18s %7d %10.1f %8llu %8llu\n", kind.c_str(), t.queries, t.median_ms,
                static_cast<unsigned long long>(t.read), static_cast<unsigned long long>(t.skipped));
  }
  (void)storage->Close();
  std::filesystem::remove_all(dir);
  return failed == 0 ? 0 : 1;
}
