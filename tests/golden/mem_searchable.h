// Test-only in-memory Searchable: rows grouped per (tenant, stream) into small blocks.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/tokenizer.h"
#include "vl/storage/block.h"

namespace vl::testing {

class MemBlock : public BlockView {
 public:
  MemBlock(TenantID tenant, StreamTags tags, std::vector<LogRow> rows) : tags_(std::move(tags)) {
    id_ = StreamID::Compute(tenant, tags_);
    for (const auto& r : rows) {
      ts_.push_back(r.timestamp);
      for (const auto& f : r.fields) {
        if (std::find(names_.begin(), names_.end(), f.name) == names_.end()) names_.push_back(f.name);
      }
    }
    for (const auto& name : names_) {
      auto& col = data_[name];
      for (const auto& r : rows) {
        std::string v;
        for (const auto& f : r.fields) {
          if (f.name == name) v = f.value;
        }
        col.push_back(v);
      }
    }
    for (auto& [name, col] : data_) {
      auto& view = views_[name];
      for (const auto& v : col) view.push_back(v);
    }
  }
  size_t rows_count() const override { return ts_.size(); }
  const StreamID& stream_id() const override { return id_; }
  const StreamTags& stream_tags() const override { return tags_; }
  std::span<const int64_t> timestamps() override { return ts_; }
  int64_t min_timestamp() const override { return ts_.front(); }
  int64_t max_timestamp() const override { return ts_.back(); }
  const std::vector<std::string>& column_names() const override { return names_; }
  const ColumnValues* column(std::string_view name) override {
    auto it = views_.find(std::string(name));
    return it == views_.end() ? nullptr : &it->second;
  }
  bool MayContainToken(std::string_view column, std::string_view token) override {
    ++bloom_checks;
    auto it = data_.find(std::string(column));
    if (it == data_.end()) return false;
    for (const auto& v : it->second) {
      bool found = false;
      ForEachToken(std::string_view(v), [&](std::string_view t) { found |= t == token; });
      if (found) return true;
    }
    return false;
  }
  int bloom_checks = 0;

 private:
  StreamTags tags_;
  StreamID id_;
  std::vector<int64_t> ts_;
  std::vector<std::string> names_;
  std::map<std::string, std::vector<std::string>> data_;
  std::map<std::string, ColumnValues> views_;
};

class MemSearchable : public Searchable {
 public:
  void Add(LogRow row) { pending_.push_back(std::move(row)); }

  // Groups pending rows per stream, sorts by time and cuts blocks of at most `block_rows` rows.
  void Finish(size_t block_rows = 3) {
    std::map<std::pair<std::pair<uint32_t, uint32_t>, std::string>, std::vector<LogRow>> by_stream;
    for (auto& r : pending_) {
      by_stream[{{r.tenant.account_id, r.tenant.project_id}, r.stream_tags.ToString()}].push_back(std::move(r));
    }
    pending_.clear();
    for (auto& [key, rows] : by_stream) {
      std::stable_sort(rows.begin(), rows.end(), [](const LogRow& a, const LogRow& b) { return a.timestamp < b.timestamp; });
      for (size_t i = 0; i < rows.size(); i += block_rows) {
        std::vector<LogRow> part(rows.begin() + i, rows.begin() + std::min(rows.size(), i + block_rows));
        blocks_.push_back({rows[0].tenant, std::make_unique<MemBlock>(rows[0].tenant, rows[0].stream_tags, std::move(part))});
      }
    }
  }

  Status Search(const SearchSpec& spec, const BlockVisitor& visit, bool parallel) const override {
    ++searches;
    for (const auto& [tenant, block] : blocks_) {
      if (spec.cancelled && spec.cancelled->load()) return Status::Cancelled("cancelled");
      if (!(tenant == spec.tenant)) continue;
      if (block->max_timestamp() < spec.min_timestamp || block->min_timestamp() > spec.max_timestamp) continue;
      if (spec.stream_filter && !spec.stream_filter(block->stream_tags())) continue;
      if (spec.block_filter && !spec.block_filter(*block)) continue;
      ++visited;
      if (!visit(*block)) break;
    }
    return Status::OK();
  }

  mutable int searches = 0;
  mutable int visited = 0;

 private:
  std::vector<LogRow> pending_;
  std::vector<std::pair<TenantID, std::unique_ptr<MemBlock>>> blocks_;
};

}  // namespace vl::testing
