// The three ways every golden case is answered, which must all print the expected rows:
//   memory  - MemSearchable, small blocks of plain strings;
//   storage - a real storage engine after flushes and a merge (typed column encodings, bloom
//             filters, stream index, parallel block search);
//   cluster - the rows split over two in-process storage nodes, the query split into its remote
//             and local halves and answered through RemoteBackend over the cluster wire format.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../storage/test_util.h"
#include "../support/in_process_node.h"
#include "collect_sink.h"
#include "mem_searchable.h"
#include "vl/cluster/remote_backend.h"
#include "vl/logsql/logsql.h"

namespace vl::golden {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  // The file's rows, once, before any query.
  virtual Status Load(const std::vector<LogRow>& rows) = 0;
  // The query's output as JSON lines.
  virtual Status Run(const logsql::Query& query, int64_t now_ns, std::string* out) = 0;
};

class MemoryBackend : public Backend {
 public:
  const char* name() const override { return "memory"; }
  Status Load(const std::vector<LogRow>& rows) override {
    for (const auto& r : rows) data_.Add(r);
    data_.Finish();
    return Status::OK();
  }
  Status Run(const logsql::Query& query, int64_t, std::string* out) override {
    logsql::test_support::CollectSink sink;
    Status s = logsql::ExecuteQuery(data_, TenantID{}, query, sink, nullptr);
    *out = std::move(sink.text);
    return s;
  }

 private:
  testing::MemSearchable data_;
};

// Golden data sits at fixed dates: keep every row whatever the wall clock says.
inline StorageOptions GoldenStorageOptions(const std::string& path) {
  StorageOptions o = storage_test::TestOptions(path);
  constexpr int64_t kYear = 365LL * 24 * 3600 * 1'000'000'000;
  o.retention_ns = 200 * kYear;
  o.future_retention_ns = 100 * kYear;
  o.min_free_disk_space_bytes = 0;
  return o;
}

class StorageBackend : public Backend {
 public:
  const char* name() const override { return "storage"; }
  Status Load(const std::vector<LogRow>& rows) override {
    auto opened = Storage::Open(GoldenStorageOptions(dir_.path));
    if (!opened.ok()) return opened.status();
    storage_ = std::move(*opened);
    // Every other row in a part of its own, then one merge: blocks are cut, encoded and merged
    // as in production.
    for (size_t half = 0; half < 2; ++half) {
      std::vector<LogRow> part;
      for (size_t i = half; i < rows.size(); i += 2) part.push_back(rows[i]);
      VL_RETURN_IF_ERROR(storage_->Add(std::move(part), nullptr));
      VL_RETURN_IF_ERROR(storage_->ForceFlush());
    }
    storage_->ForceMerge("");
    if (!storage_test::WaitUntil([&] {
          auto m = storage_->GetMetrics();
          return m.parts == m.partitions;
        })) {
      return Status::Internal("the golden data did not merge into one part per partition");
    }
    return Status::OK();
  }
  Status Run(const logsql::Query& query, int64_t, std::string* out) override {
    logsql::test_support::CollectSink sink;
    Status s = logsql::ExecuteQuery(*storage_, TenantID{}, query, sink, nullptr);
    *out = std::move(sink.text);
    return s;
  }
  ~StorageBackend() override {
    if (storage_) storage_->Close();
  }

 private:
  storage_test::TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

class ClusterBackend : public Backend {
 public:
  const char* name() const override { return "cluster"; }
  Status Load(const std::vector<LogRow>& rows) override {
    cluster::RemoteBackendOptions options;
    for (int n = 0; n < 2; ++n) {
      VL_RETURN_IF_ERROR(nodes_[n].Start(GoldenStorageOptions(dirs_[n].path)));
      options.nodes.push_back(nodes_[n].addr());
      // Alternate rows: each stream is split over both nodes, so the router merges every answer.
      std::vector<LogRow> mine;
      for (size_t i = n; i < rows.size(); i += 2) mine.push_back(rows[i]);
      VL_RETURN_IF_ERROR(nodes_[n].storage().Add(std::move(mine), nullptr));
      VL_RETURN_IF_ERROR(nodes_[n].storage().ForceFlush());
    }
    router_ = std::make_unique<cluster::RemoteBackend>(options);
    return Status::OK();
  }
  Status Run(const logsql::Query& query, int64_t now_ns, std::string* out) override {
    select::QueryContext ctx;
    ctx.now_ns = now_ns;
    logsql::test_support::CollectSink sink;
    Status s = router_->Execute(ctx, query, sink, nullptr);
    *out = std::move(sink.text);
    return s;
  }

 private:
  storage_test::TempDir dirs_[2];
  test_support::InProcessNode nodes_[2];
  std::unique_ptr<cluster::RemoteBackend> router_;
};

}  // namespace vl::golden
