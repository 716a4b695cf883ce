#include "vl/storage/part_merger.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

namespace vl::storage {

namespace {

// One stream's rows gathered for an output block, as views into the pinned input blocks.
class MergedBlock {
 public:
  size_t rows() const { return ts_.size(); }
  size_t bytes() const { return bytes_; }
  bool full() const { return ts_.size() >= kMaxBlockRows || bytes_ >= kMaxBlockBytes; }

  // Appends rows [from, to) of an input block (its timestamps and columns); `bytes` is their
  // size as full() counts it.
  void Append(std::span<const int64_t> ts, const std::vector<std::pair<std::string_view, const ColumnValues*>>& cols,
              size_t from, size_t to, size_t bytes) {
    const size_t at = ts_.size();
    ts_.insert(ts_.end(), ts.begin() + static_cast<ptrdiff_t>(from), ts.begin() + static_cast<ptrdiff_t>(to));
    for (const auto& [name, values] : cols) {
      std::vector<std::string_view>& out = Column(name);
      out.resize(at);  // rows of earlier runs without this column are empty
      out.insert(out.end(), values->begin() + static_cast<ptrdiff_t>(from),
                 values->begin() + static_cast<ptrdiff_t>(to));
    }
    bytes_ += bytes;
  }

  void Pin(std::unique_ptr<PartBlockView> view) { pinned_.push_back(std::move(view)); }

  Status Emit(PartWriter* w, const StreamEntry& s) {
    if (ts_.empty()) return Status::OK();
    std::sort(cols_.begin(), cols_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    BlockInput in;
    in.timestamps = std::move(ts_);
    for (auto& [name, values] : cols_) {
      values.resize(in.timestamps.size());
      in.names.push_back(name);
      in.columns.push_back(std::move(values));
    }
    Status st = w->AddBlock(s.id, s.tags, in);
    ts_.clear();
    cols_.clear();
    bytes_ = 0;
    pinned_.clear();  // after AddBlock: the views point into these blocks
    return st;
  }

 private:
  std::vector<std::string_view>& Column(std::string_view name) {
    for (auto& [n, v] : cols_)
      if (n == name) return v;
    return cols_.emplace_back(name, std::vector<std::string_view>()).second;
  }

  std::vector<int64_t> ts_;
  std::vector<std::pair<std::string_view, std::vector<std::string_view>>> cols_;
  size_t bytes_ = 0;
  std::vector<std::unique_ptr<PartBlockView>> pinned_;
};

// The blocks of one stream in one input part, read in time order.
struct Cursor {
  const Part* part = nullptr;
  std::vector<size_t> blocks;
  size_t bi = 0;
  size_t row = 0;
  std::unique_ptr<PartBlockView> view;
  std::span<const int64_t> ts;
  std::vector<std::pair<std::string_view, const ColumnValues*>> cols;

  bool done() const { return bi >= blocks.size(); }
  int64_t next_ts() const { return ts[row]; }

  // Loads blocks[bi] (skipping empty ones); the previous block goes to `pin` since rows of it
  // may wait in the output block.
  bool Load(MergedBlock* pin) {
    while (bi < blocks.size()) {
      if (view) pin->Pin(std::move(view));
      view = std::make_unique<PartBlockView>();
      view->Reset(part, blocks[bi]);
      ts = view->timestamps();
      cols.clear();
      for (const auto& name : view->column_names()) cols.emplace_back(name, view->column(name));
      row = 0;
      if (!view->error().ok()) return false;
      if (!ts.empty()) return true;
      bi++;
    }
    return true;
  }
};

// Byte count of a row as the output block's size limit counts it.
size_t RowBytes(const Cursor& c, size_t r) {
  size_t n = 0;
  for (const auto& col : c.cols) {
    const size_t len = (*col.second)[r].size();
    n += len ? len + 1 : 0;
  }
  return n;
}

}  // namespace

Status MergePartRows(const std::vector<std::shared_ptr<Part>>& in, PartWriter* w,
                     const std::atomic<bool>* stop) {
  // stream id -> per input part, its block indices.
  std::map<StreamID, std::vector<std::vector<size_t>>> streams;
  std::map<StreamID, const StreamEntry*> entries;
  for (size_t pi = 0; pi < in.size(); pi++) {
    const auto& blocks = in[pi]->blocks();
    for (size_t b = 0; b < blocks.size(); b++) {
      const auto& e = in[pi]->streams()[blocks[b].stream_idx];
      auto& per_part = streams[e.id];
      if (per_part.empty()) per_part.resize(in.size());
      per_part[pi].push_back(b);
      entries[e.id] = &e;
    }
  }
  for (auto& [sid, per_part] : streams) {
    if (stop && stop->load()) return Status::Cancelled("merge interrupted");
    const StreamEntry& entry = *entries[sid];
    MergedBlock out;
    std::vector<Cursor> cursors;  // in input order: ties go to the earlier part
    for (size_t pi = 0; pi < in.size(); pi++) {
      if (per_part[pi].empty()) continue;
      Cursor& c = cursors.emplace_back();
      c.part = in[pi].get();
      c.blocks = per_part[pi];
      std::sort(c.blocks.begin(), c.blocks.end(), [&](size_t a, size_t b) {
        return c.part->blocks()[a].min_ts < c.part->blocks()[b].min_ts;
      });
    }
    for (Cursor& c : cursors)
      if (!c.Load(&out)) return Status::Corruption("merge: cannot read " + c.part->dir());
    while (true) {
      size_t best = cursors.size();
      for (size_t i = 0; i < cursors.size(); i++)
        if (!cursors[i].done() && (best == cursors.size() || cursors[i].next_ts() < cursors[best].next_ts())) best = i;
      if (best == cursors.size()) break;
      Cursor& c = cursors[best];
      // The run ends before the first row that sorts after another input's next row.
      size_t end = c.ts.size();
      for (size_t i = 0; i < cursors.size(); i++) {
        if (i == best || cursors[i].done()) continue;
        const int64_t t = cursors[i].next_ts();
        auto from = c.ts.begin() + static_cast<ptrdiff_t>(c.row);
        auto to = c.ts.begin() + static_cast<ptrdiff_t>(end);
        auto cut = best < i ? std::upper_bound(from, to, t) : std::lower_bound(from, to, t);
        end = static_cast<size_t>(cut - c.ts.begin());
      }
      end = std::min(end, c.row + (kMaxBlockRows - out.rows()));
      size_t bytes = 0, stop_at = c.row;
      while (stop_at < end) {
        bytes += RowBytes(c, stop_at++);
        if (out.bytes() + bytes >= kMaxBlockBytes) break;
      }
      out.Append(c.ts, c.cols, c.row, stop_at, bytes);
      c.row = stop_at;
      if (c.row >= c.ts.size()) {
        c.bi++;
        if (!c.Load(&out)) return Status::Corruption("merge: cannot read " + c.part->dir());
      }
      if (out.full()) VL_RETURN_IF_ERROR(out.Emit(w, entry));
    }
    VL_RETURN_IF_ERROR(out.Emit(w, entry));
  }
  return Status::OK();
}

}  // namespace vl::storage
