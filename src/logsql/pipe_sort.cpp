// `sort` pipe: natural ordering; with a limit keeps a bounded top-k.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "vl/common/time_util.h"
#include "vl/logsql/pipe.h"

namespace vl::logsql {

namespace {

struct SortKey {
  std::string s;
  double num = 0;
  bool is_num = false;
  bool empty = true;
};

bool ParseNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s.size() >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T') {  // RFC3339 timestamps
    int64_t ns;
    if (ParseRFC3339(s, &ns)) {
      *out = static_cast<double>(ns);
      return true;
    }
  }
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && p == e && !std::isnan(*out);
}

// <0, 0, >0 in natural order: numbers numerically, numbers before strings, else bytewise.
int CompareKeys(const SortKey& a, const SortKey& b) {
  if (a.is_num && b.is_num) {
    if (a.num < b.num) return -1;
    if (a.num > b.num) return 1;
    return 0;
  }
  if (a.is_num != b.is_num) {
    if (a.empty || b.empty) return a.empty ? -1 : 1;  // empty first
    return a.is_num ? -1 : 1;
  }
  return a.s.compare(b.s);
}

// A row kept for sorting: its keys, and where its values are (a kept block and a row in it).
struct Row {
  std::vector<SortKey> keys;
  uint32_t block = 0;
  uint32_t row = 0;
  uint64_t seq = 0;
};

// Rows are not copied out of their blocks: the blocks are kept (their columns share buffers) and
// gathered into output blocks at the end. With a limit, the kept rows are compacted into one
// block whenever they are trimmed, so a top-k holds about k rows whatever the input size.
class SortProcessor : public Processor {
 public:
  SortProcessor(const PipeSpec& spec, Processor* next) : spec_(spec), next_(next) {
    if (spec_.sort_limit > 0) k_ = spec_.sort_offset + spec_.sort_limit;
  }

  bool Push(ResultBlock&& b) override {
    if (b.rows == 0) return true;
    const uint32_t block_id = static_cast<uint32_t>(blocks_.size());
    std::vector<const ResultColumn*> key_cols;
    for (const auto& f : spec_.sort_by) key_cols.push_back(b.Find(f.name));
    for (size_t r = 0; r < b.rows; ++r) {
      Row row;
      row.seq = seq_++;
      row.block = block_id;
      row.row = static_cast<uint32_t>(r);
      row.keys.resize(key_cols.size());
      for (size_t k = 0; k < key_cols.size(); ++k) {
        if (key_cols[k]) MakeKey(*key_cols[k], r, &row.keys[k]);
      }
      rows_.push_back(std::move(row));
    }
    AddBlock(std::move(b));
    if (k_ > 0 && rows_.size() > 2 * k_ + 1024) Trim();
    return true;
  }

  bool Flush() override {
    if (k_ > 0 && rows_.size() > k_) {
      Trim();
    } else {
      std::stable_sort(rows_.begin(), rows_.end(), Less());
    }
    size_t start = std::min<size_t>(spec_.sort_offset, rows_.size());
    size_t end = rows_.size();
    if (spec_.sort_limit > 0) end = std::min<size_t>(end, start + spec_.sort_limit);
    constexpr size_t kBlockRows = 1024;
    for (size_t i = start; i < end; i += kBlockRows) {
      if (!next_->Push(Gather(i, std::min(end, i + kBlockRows)))) break;
    }
    rows_.clear();
    blocks_.clear();
    return next_->Flush();
  }

 private:
  static void MakeKey(const ResultColumn& c, size_t r, SortKey* key) {
    if (c.type() == ResultColumn::Type::kTimestamps) {
      key->num = static_cast<double>(c.timestamps()[r]);
      key->is_num = true;
      key->empty = false;
      return;
    }
    if (const double* nums = c.numbers()) {
      if (nums[r] == nums[r]) {  // a stored number: no text to copy or parse
        key->num = nums[r];
        key->is_num = true;
        key->empty = false;
        return;
      }
    }
    key->s = c.at(r);
    key->empty = key->s.empty();
    key->is_num = ParseNumber(key->s, &key->num);
  }

  struct KeptBlock {
    ResultBlock block;
    std::vector<int> column_of;  // by column id: index in block.columns, or -1
  };

  void AddBlock(ResultBlock&& b) {
    KeptBlock kb;
    for (size_t c = 0; c < b.columns.size(); ++c) {
      const size_t id = ColumnId(b.columns[c].name);
      if (kb.column_of.size() <= id) kb.column_of.resize(id + 1, -1);
      kb.column_of[id] = static_cast<int>(c);
    }
    kb.block = std::move(b);
    blocks_.push_back(std::move(kb));
  }

  // Output block of rows_[begin, end): every column seen, "" where a row's block lacks it.
  ResultBlock Gather(size_t begin, size_t end) const {
    ResultBlock out;
    out.rows = end - begin;
    for (size_t id = 0; id < names_.size(); ++id) {
      StringsBuilder sb(out.rows);
      for (size_t r = begin; r < end; ++r) {
        const KeptBlock& kb = blocks_[rows_[r].block];
        const int c = id < kb.column_of.size() ? kb.column_of[id] : -1;
        sb.Add(c < 0 ? std::string_view() : kb.block.columns[static_cast<size_t>(c)].at(rows_[r].row));
      }
      out.columns.push_back(sb.Build(names_[id]));
    }
    return out;
  }

  bool RowLess(const Row& a, const Row& b) const {
    for (size_t k = 0; k < spec_.sort_by.size(); ++k) {
      int c = CompareKeys(a.keys[k], b.keys[k]);
      if (c == 0) continue;
      bool desc = spec_.sort_by[k].desc != spec_.sort_desc;
      return desc ? c > 0 : c < 0;
    }
    return a.seq < b.seq;
  }
  std::function<bool(const Row&, const Row&)> Less() const {
    return [this](const Row& a, const Row& b) { return RowLess(a, b); };
  }

  // Keeps the best k rows, compacted into one block.
  void Trim() {
    size_t k = std::min(k_, rows_.size());
    std::partial_sort(rows_.begin(), rows_.begin() + static_cast<ptrdiff_t>(k), rows_.end(), Less());
    rows_.resize(k);
    ResultBlock compact = Gather(0, rows_.size());
    blocks_.clear();
    for (size_t r = 0; r < rows_.size(); ++r) {
      rows_[r].block = 0;
      rows_[r].row = static_cast<uint32_t>(r);
    }
    AddBlock(std::move(compact));
  }

  size_t ColumnId(const std::string& name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    names_.push_back(name);
    ids_.emplace(name, names_.size() - 1);
    return names_.size() - 1;
  }

  const PipeSpec& spec_;
  Processor* next_;
  size_t k_ = 0;
  uint64_t seq_ = 0;
  std::vector<std::string> names_;
  std::unordered_map<std::string, size_t> ids_;
  std::vector<Row> rows_;
  std::vector<KeptBlock> blocks_;
};

}  // namespace

std::unique_ptr<Processor> MakeSortProcessor(const PipeSpec& spec, Processor* next) {
  return std::make_unique<SortProcessor>(spec, next);
}

}  // namespace vl::logsql
