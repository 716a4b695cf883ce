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
};

bool ParseNumber(const std::string& s, double* out) {
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
    if (a.s.empty() || b.s.empty()) return a.s.empty() ? -1 : 1;  // empty first
    return a.is_num ? -1 : 1;
  }
  return a.s.compare(b.s);
}

struct Row {
  std::vector<SortKey> keys;
  std::vector<std::string> values;  // by column id
  uint64_t seq = 0;
};

class SortProcessor : public Processor {
 public:
  SortProcessor(const PipeSpec& spec, Processor* next) : spec_(spec), next_(next) {
    if (spec_.sort_limit > 0) k_ = spec_.sort_offset + spec_.sort_limit;
  }

  bool Push(ResultBlock&& b) override {
    std::vector<size_t> ids(b.columns.size());
    for (size_t c = 0; c < b.columns.size(); ++c) ids[c] = ColumnId(b.columns[c].name);
    std::vector<const ResultColumn*> key_cols;
    for (const auto& f : spec_.sort_by) key_cols.push_back(b.Find(f.name));
    for (size_t r = 0; r < b.rows; ++r) {
      Row row;
      row.seq = seq_++;
      row.keys.resize(key_cols.size());
      for (size_t k = 0; k < key_cols.size(); ++k) {
        if (!key_cols[k]) continue;
        row.keys[k].s = key_cols[k]->values[r];
        row.keys[k].is_num = ParseNumber(row.keys[k].s, &row.keys[k].num);
      }
      row.values.resize(names_.size());
      for (size_t c = 0; c < b.columns.size(); ++c) row.values[ids[c]] = std::move(b.columns[c].values[r]);
      rows_.push_back(std::move(row));
    }
    if (k_ > 0 && rows_.size() > 2 * k_ + 1024) Trim();
    return true;
  }

  bool Flush() override {
    auto less = Less();
    if (k_ > 0 && rows_.size() > k_) {
      Trim();
    } else {
      std::stable_sort(rows_.begin(), rows_.end(), less);
    }
    size_t start = std::min<size_t>(spec_.sort_offset, rows_.size());
    size_t end = rows_.size();
    if (spec_.sort_limit > 0) end = std::min<size_t>(end, start + spec_.sort_limit);
    constexpr size_t kBlockRows = 1024;
    for (size_t i = start; i < end; i += kBlockRows) {
      size_t n = std::min(kBlockRows, end - i);
      ResultBlock out;
      out.rows = n;
      out.columns.resize(names_.size());
      for (size_t c = 0; c < names_.size(); ++c) {
        out.columns[c].name = names_[c];
        out.columns[c].values.reserve(n);
      }
      for (size_t r = i; r < i + n; ++r) {
        auto& vals = rows_[r].values;
        for (size_t c = 0; c < names_.size(); ++c) {
          out.columns[c].values.push_back(c < vals.size() ? std::move(vals[c]) : std::string());
        }
      }
      if (!next_->Push(std::move(out))) break;
    }
    rows_.clear();
    return next_->Flush();
  }

 private:
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

  void Trim() {
    size_t k = std::min(k_, rows_.size());
    std::partial_sort(rows_.begin(), rows_.begin() + static_cast<ptrdiff_t>(k), rows_.end(), Less());
    rows_.resize(k);
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
};

}  // namespace

std::unique_ptr<Processor> MakeSortProcessor(const PipeSpec& spec, Processor* next) {
  return std::make_unique<SortProcessor>(spec, next);
}

}  // namespace vl::logsql
