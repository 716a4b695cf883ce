// vlinsert's Inserter and vlselect's RemoteBackend against real in-process storage nodes (local
// storage behind the real HTTP server on loopback): many writers and readers at once, so the
// ThreadSanitizer build sees the connection pools, the per-node send limits and the fan-out
// threads under contention. Every row is checked by its sequence number.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "../../golden/collect_sink.h"
#include "../../storage/test_util.h"
#include "../../support/in_process_node.h"
#include "vl/cluster/inserter.h"
#include "vl/cluster/remote_backend.h"
#include "vl/select/query_runner.h"

namespace vl {
namespace {

using storage_test::MakeRow;
using storage_test::NowNs;
using storage_test::TempDir;
using storage_test::TestOptions;

std::string RunQuery(select::QueryBackend& backend, const std::string& text) {
  auto query = logsql::ParseQuery(text, NowNs());
  EXPECT_TRUE(query.ok()) << query.status().ToString();
  if (!query.ok()) return "";
  select::QueryContext ctx;
  ctx.now_ns = NowNs();
  logsql::test_support::CollectSink sink;
  Status s = backend.Execute(ctx, **query, sink, nullptr);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return sink.text;
}

TEST(ClusterClient, ConcurrentWritersAndReadersSeeEveryRowOnce) {
  TempDir dirs[2];
  test_support::InProcessNode nodes[2];
  for (int i = 0; i < 2; ++i) {
    Status s = nodes[i].Start(TestOptions(dirs[i].path));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<std::string> addrs = {nodes[0].addr(), nodes[1].addr()};

  cluster::InserterOptions insert_options;
  insert_options.nodes = addrs;
  insert_options.concurrency = 2;
  cluster::Inserter inserter(insert_options);
  constexpr int kWriters = 4, kCommits = 10, kRowsPerCommit = 50;
  const int64_t base = NowNs() - 3600LL * 1'000'000'000;
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      for (int c = 0; c < kCommits; ++c) {
        auto writer = inserter.NewWriter();
        for (int i = 0; i < kRowsPerCommit; ++i) {
          const uint64_t seq = (t * kCommits + c) * kRowsPerCommit + i;
          LogRow row = MakeRow({}, base + static_cast<int64_t>(seq), "s" + std::to_string(seq % 5), seq);
          std::string tags;
          std::vector<FieldView> fields;
          writer->Append(ViewOf(row, &tags, &fields));
        }
        uint64_t accepted = 0;
        Status s = writer->Commit(&accepted);
        EXPECT_TRUE(s.ok()) << s.ToString();
        EXPECT_EQ(accepted, static_cast<uint64_t>(kRowsPerCommit));
      }
    });
  }
  for (auto& w : writers) w.join();
  for (auto& n : nodes) ASSERT_TRUE(n.storage().ForceFlush().ok());
  constexpr uint64_t kTotal = kWriters * kCommits * kRowsPerCommit;
  EXPECT_EQ(nodes[0].storage().GetMetrics().rows_stored + nodes[1].storage().GetMetrics().rows_stored, kTotal);

  cluster::RemoteBackendOptions select_options;
  select_options.nodes = addrs;
  cluster::RemoteBackend backend(select_options);
  std::vector<std::thread> readers;
  std::mutex mu;
  std::vector<std::string> counts, rows;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      std::string text = t % 2 ? RunQuery(backend, "* | stats count() as c") : RunQuery(backend, "* | fields seq");
      std::lock_guard<std::mutex> lock(mu);
      (t % 2 ? counts : rows).push_back(std::move(text));
    });
  }
  for (auto& r : readers) r.join();
  for (const auto& c : counts) EXPECT_EQ(c, "{\"c\":\"" + std::to_string(kTotal) + "\"}\n");
  for (const auto& text : rows) {
    std::map<uint64_t, int> seen;
    for (size_t pos = 0; (pos = text.find("\"seq\":\"", pos)) != std::string::npos;) {
      pos += 7;
      seen[std::stoull(text.substr(pos, text.find('"', pos) - pos))]++;
    }
    ASSERT_EQ(seen.size(), kTotal);
    for (const auto& [seq, n] : seen) ASSERT_EQ(n, 1) << "row " << seq;
  }
}

}  // namespace
}  // namespace vl
