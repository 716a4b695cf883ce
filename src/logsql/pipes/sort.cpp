// `sort [by] (a, b desc) [desc] [offset N] [limit N]` (`order`): natural ordering; with a limit
// it keeps a bounded top-k.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "vl/common/time_util.h"
#include "../parser_impl.h"
#include "pipes.h"
#include "../value_order.h"

namespace vl::logsql {

namespace {

struct SortKey {
  std::string s;  // text keys: the AppendNaturalKey encoding, or the text itself when !natural
  double num = 0;
  bool is_num = false;
  bool empty = true;
  bool natural = true;
};

// <0, 0, >0 in natural order: numbers numerically, numbers before strings, else text in natural
// order (bytewise over the encoded keys).
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
  if (a.natural && b.natural) return a.s.compare(b.s);
  return CompareNatural(a.natural ? DecodeNaturalKey(a.s) : a.s, b.natural ? DecodeNaturalKey(b.s) : b.s);
}

// A row kept for sorting: its keys, and where its values are (a kept block and a row in it).
struct Row {
  std::vector<SortKey> keys;
  uint32_t part = 0;  // `partition by`: index into the partition keys
  uint32_t block = 0;
  uint32_t row = 0;
  uint64_t seq = 0;
};

// Rows are not copied out of their blocks: the blocks are kept (their columns share buffers) and
// gathered into output blocks at the end. With a limit, the kept rows are compacted into one
// block whenever they are trimmed, so a top-k holds about k rows whatever the input size.
class SortProcessor : public Processor {
 public:
  SortProcessor(const SortPipe& spec, Processor* next, QueryMemory* memory)
      : spec_(spec), next_(next), memory_(memory) {
    if (spec_.limit > 0) k_ = spec_.offset + spec_.limit;
  }

  bool Push(ResultBlock&& b) override {
    if (b.rows == 0) return true;
    const uint32_t block_id = static_cast<uint32_t>(blocks_.size());
    std::vector<const ResultColumn*> key_cols;
    for (const auto& f : spec_.by) key_cols.push_back(b.Find(f.name));
    // Dictionary columns: a key per distinct value, made once.
    std::vector<std::vector<SortKey>> dict_keys(key_cols.size());
    for (size_t k = 0; k < key_cols.size(); ++k) {
      const ResultColumn* c = key_cols[k];
      if (!c || c->type() != ResultColumn::Type::kDict) continue;
      const auto& dict = c->dict();
      dict_keys[k].resize(dict.size());
      for (size_t d = 0; d < dict.size(); ++d) MakeTextKey(dict[d], &dict_keys[k][d]);
    }
    std::vector<const ResultColumn*> part_cols;
    for (const auto& f : spec_.partition_by) part_cols.push_back(b.Find(f));
    std::string part_key;
    // No keys: the whole row is the key (see WholeRowKey).
    std::vector<const ResultColumn*> row_cols;
    if (spec_.by.empty()) {
      for (const auto& c : b.columns) row_cols.push_back(&c);
      std::sort(row_cols.begin(), row_cols.end(),
                [](const ResultColumn* x, const ResultColumn* y) { return x->name < y->name; });
    }
    std::string row_text;
    for (size_t r = 0; r < b.rows; ++r) {
      Row row;
      if (!row_cols.empty()) {
        WholeRowKey(row_cols, r, &row_text);
        row.keys.resize(1);
        MakeTextKey(row_text, &row.keys[0]);
      }
      if (!part_cols.empty()) {
        part_key.clear();
        for (const auto* c : part_cols) {
          const std::string_view v = c ? c->at(r) : std::string_view();
          const uint32_t n = static_cast<uint32_t>(v.size());
          part_key.append(reinterpret_cast<const char*>(&n), sizeof(n));
          part_key.append(v);
        }
        auto [it, inserted] = part_ids_.try_emplace(part_key, static_cast<uint32_t>(part_keys_.size()));
        if (inserted) part_keys_.push_back(part_key);
        row.part = it->second;
      }
      row.seq = seq_++;
      row.block = block_id;
      row.row = static_cast<uint32_t>(r);
      if (row_cols.empty()) row.keys.resize(key_cols.size());
      for (size_t k = 0; k < key_cols.size(); ++k) {
        if (!key_cols[k]) continue;
        if (!dict_keys[k].empty()) row.keys[k] = dict_keys[k][key_cols[k]->codes()[r]];
        else MakeKey(*key_cols[k], r, &row.keys[k]);
      }
      rows_.push_back(std::move(row));
    }
    block_bytes_ += b.rows * (b.columns.size() + 1) * 24;
    AddBlock(std::move(b));
    // A top-k is trimmed as it goes; per partition it is not (partitions share rows_).
    if (k_ > 0 && spec_.partition_by.empty() && rows_.size() > 2 * k_ + 1024) Trim();
    return memory_->Update(spec_, &held_, block_bytes_ + rows_.size() * (sizeof(Row) + spec_.by.size() * sizeof(SortKey)));
  }

  bool Flush() override {
    if (!spec_.partition_by.empty()) {
      std::stable_sort(rows_.begin(), rows_.end(), [this](const Row& a, const Row& b) {
        if (a.part != b.part) return part_keys_[a.part] < part_keys_[b.part];
        return RowLess(a, b);
      });
    } else if (k_ > 0 && rows_.size() > k_) {
      Trim();
    } else {
      std::stable_sort(rows_.begin(), rows_.end(), Less());
    }
    // The rows to emit, each with its rank (1-based position in its partition, offset included).
    std::vector<size_t> out;
    std::vector<uint64_t> ranks;
    for (size_t p = 0; p < rows_.size();) {
      size_t q = p + 1;
      while (q < rows_.size() && rows_[q].part == rows_[p].part) ++q;
      const size_t start = std::min<size_t>(p + spec_.offset, q);
      const size_t end = spec_.limit > 0 ? std::min<size_t>(q, start + spec_.limit) : q;
      for (size_t i = start; i < end; ++i) {
        out.push_back(i);
        ranks.push_back(i - p + 1);
      }
      p = q;
    }
    constexpr size_t kBlockRows = 1024;
    for (size_t i = 0; i < out.size(); i += kBlockRows) {
      const size_t e = std::min(out.size(), i + kBlockRows);
      if (!next_->Push(Gather(out.begin() + i, out.begin() + e, ranks.begin() + i))) break;
    }
    rows_.clear();
    blocks_.clear();
    return next_->Flush();
  }

 private:
  // `"name":"value",` for each non-empty field, by name: rows compare as these texts do in
  // natural order. Names are sorted so the order does not depend on how blocks hold columns.
  static void WholeRowKey(const std::vector<const ResultColumn*>& cols, size_t r, std::string* out) {
    out->clear();
    for (const ResultColumn* c : cols) {
      const std::string_view v = c->at(r);
      if (v.empty()) continue;
      out->append("\"").append(c->name).append("\":\"").append(v).append("\",");
    }
  }
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
    MakeTextKey(c.at(r), key);
  }
  static void MakeTextKey(std::string_view v, SortKey* key) {
    key->empty = v.empty();
    key->is_num = ParsePlainNumber(v, &key->num);
    if (key->is_num) return;
    key->natural = AppendNaturalKey(v, &key->s);
    if (!key->natural) key->s.assign(v);
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

  // Output block of the rows_ at indexes [begin, end): every column seen, "" where a row's block
  // lacks it; with `rank`, the rank column first.
  template <typename It, typename RankIt>
  ResultBlock Gather(It begin, It end, RankIt rank, bool with_rank = true) const {
    ResultBlock out;
    out.rows = static_cast<size_t>(end - begin);
    if (with_rank && !spec_.rank_name.empty()) {
      StringsBuilder sb(out.rows);
      for (size_t i = 0; i < out.rows; ++i) sb.Add(std::to_string(rank[static_cast<ptrdiff_t>(i)]));
      out.columns.push_back(sb.Build(spec_.rank_name));
    }
    for (size_t id = 0; id < names_.size(); ++id) {
      if (with_rank && names_[id] == spec_.rank_name) continue;
      StringsBuilder sb(out.rows);
      for (It it = begin; it != end; ++it) {
        const Row& row = rows_[*it];
        const KeptBlock& kb = blocks_[row.block];
        const int c = id < kb.column_of.size() ? kb.column_of[id] : -1;
        sb.Add(c < 0 ? std::string_view() : kb.block.columns[static_cast<size_t>(c)].at(row.row));
      }
      out.columns.push_back(sb.Build(names_[id]));
    }
    return out;
  }

  bool RowLess(const Row& a, const Row& b) const {
    for (size_t k = 0; k < a.keys.size(); ++k) {
      int c = CompareKeys(a.keys[k], b.keys[k]);
      if (c == 0) continue;
      bool desc = (k < spec_.by.size() && spec_.by[k].desc) != spec_.desc;
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
    std::vector<size_t> all(rows_.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    const std::vector<uint64_t> no_ranks(all.size(), 0);
    ResultBlock compact = Gather(all.begin(), all.end(), no_ranks.begin(), /*with_rank=*/false);
    blocks_.clear();
    for (size_t r = 0; r < rows_.size(); ++r) {
      rows_[r].block = 0;
      rows_[r].row = static_cast<uint32_t>(r);
    }
    block_bytes_ = compact.rows * (compact.columns.size() + 1) * 24;
    AddBlock(std::move(compact));
  }

  size_t ColumnId(const std::string& name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    names_.push_back(name);
    ids_.emplace(name, names_.size() - 1);
    return names_.size() - 1;
  }

  const SortPipe& spec_;
  Processor* next_;
  QueryMemory* memory_;
  size_t held_ = 0;
  size_t block_bytes_ = 0;  // roughly, what the kept blocks hold
  size_t k_ = 0;
  uint64_t seq_ = 0;
  std::vector<std::string> names_;
  std::unordered_map<std::string, size_t> ids_;
  std::vector<Row> rows_;
  std::vector<KeptBlock> blocks_;
  std::unordered_map<std::string, uint32_t> part_ids_;  // partition key -> index in part_keys_
  std::vector<std::string> part_keys_;
};

}  // namespace

std::string SortPipe::String() const {
  std::string out = "sort";
  if (!by.empty()) {
    out += " by (";
    for (size_t i = 0; i < by.size(); ++i) {
      if (i) out += ", ";
      out += QuoteIfNeeded(by[i].name);
      if (by[i].desc) out += " desc";
    }
    out += ")";
  }
  if (desc) out += " desc";
  if (!partition_by.empty()) out += " partition by (" + FieldListString(partition_by) + ")";
  if (offset) out += " offset " + std::to_string(offset);
  if (limit) out += " limit " + std::to_string(limit);
  if (!rank_name.empty()) out += rank_name == "rank" ? " rank" : " rank as " + QuoteIfNeeded(rank_name);
  return out;
}

void SortPipe::UpdateNeeded(NeededFields* needed) const {
  // Sort passes every column through: it needs its keys and whatever comes after needs.
  if (!rank_name.empty()) needed->Remove(rank_name);
  if (by.empty()) needed->SetAll();  // the whole row is the key
  for (const auto& k : by) needed->Add(k.name);
  for (const auto& f : partition_by) needed->Add(f);
  needed->numbers = true;
}

std::unique_ptr<Processor> SortPipe::MakeProcessor(Processor* next, QueryMemory* memory) const {
  return std::make_unique<SortProcessor>(*this, next, memory);
}

PipeSplit SortPipe::Split() const {
  // The top offset+limit of each node contains the global top; the router sorts again and skips.
  PipeSplit s;
  if (limit > 0) {
    auto remote = std::make_unique<SortPipe>(*this);
    remote->limit = limit + offset;
    remote->offset = 0;
    remote->rank_name.clear();
    s.remote = std::move(remote);
  }
  s.local = Clone();
  s.stops_pushdown = true;
  return s;
}

namespace pipes {

bool ParseSortFields(parser_internal::Parser& p, std::vector<SortField>* by) {
  const bool by_keyword = p.Cur().IsKeyword("by");
  if (by_keyword) p.Next();
  if (!p.Cur().IsPunct("(")) {
    if (by_keyword) return p.Fail(p.Unexpected(), "'(' with the fields to order by").ok();
    return true;  // no fields: by the whole row
  }
  p.Next();
  while (!p.Cur().IsPunct(")")) {
    SortField f;
    if (!p.ReadFieldName(&f.name)) return p.Fail(p.Unexpected(), "field name").ok();
    if (p.Cur().IsKeyword("desc")) {
      f.desc = true;
      p.Next();
    } else if (p.Cur().IsKeyword("asc")) {
      p.Next();
    }
    by->push_back(std::move(f));
    if (p.Cur().IsPunct(",")) p.Next();
    else if (!p.Cur().IsPunct(")")) return p.Fail(p.Unexpected(), "',' or ')'").ok();
  }
  p.Next();
  return true;
}

std::unique_ptr<Pipe> ParseSort(parser_internal::Parser& p) {
  auto s = std::make_unique<SortPipe>();
  if (!ParseSortFields(p, &s->by)) return nullptr;
  while (true) {
    if (p.Cur().IsKeyword("desc")) {
      s->desc = true;
      p.Next();
    } else if (p.Cur().IsKeyword("asc")) {
      p.Next();
    } else if (p.Cur().IsKeyword("offset")) {
      p.Next();
      if (!p.ReadUint(&s->offset)) return p.FailNull(p.Unexpected(), "offset value");
    } else if (p.Cur().IsKeyword("limit")) {
      p.Next();
      if (!p.ReadUint(&s->limit)) return p.FailNull(p.Unexpected(), "limit value");
    } else if (p.Cur().IsKeyword("partition")) {
      p.Next();
      if (p.Cur().IsKeyword("by")) p.Next();
      if (!p.ReadFieldList(&s->partition_by, /*parens=*/true)) return nullptr;
      if (s->partition_by.empty()) return p.FailNull(p.Unexpected(), "partition field");
    } else if (p.Cur().IsKeyword("rank")) {
      p.Next();
      s->rank_name = "rank";
      if (p.Cur().IsKeyword("as")) {
        p.Next();
        if (!p.ReadFieldName(&s->rank_name)) return p.FailNull(p.Unexpected(), "rank field name");
      }
    } else {
      break;
    }
  }
  if (!s->partition_by.empty() && s->limit == 0) return p.FailNull("missing 'limit' for 'partition by'", "limit N");
  return s;
}

}  // namespace pipes
}  // namespace vl::logsql
