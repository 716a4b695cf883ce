// `join by (a, b) (<query>) [inner] [prefix "p."]`: each row gets the fields of the rows of
// another query that have the same values of a, b (one output row per matching row); a row with
// no match stays as it is (dropped with `inner`). A field the row already has non-empty keeps its
// value. The other query runs first, over the whole cluster on a router, and its rows are held
// in memory.
#include <unordered_map>

#include "vl/logsql/lexer.h"
#include "../stats/uniq_key.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

// The subquery's rows by key: their fields other than the by-fields, prefixed.
struct JoinTable {
  std::vector<std::string> names;  // output names of the joined fields
  std::vector<std::vector<std::string>> rows;  // per joined row: one value per name ("" = none)
  std::unordered_multimap<std::string, size_t> by_key;
  size_t bytes = 0;
};

std::string KeyOf(const std::vector<const ResultColumn*>& cols, size_t r) {
  std::string key;
  for (const auto* c : cols) stats::AppendKeyPart(ValueAt(c, r), &key);
  return key;
}

class JoinPipe final : public Pipe {
 public:
  JoinPipe(std::vector<std::string> by, std::unique_ptr<Query> sub, bool inner, std::string prefix)
      : by_(std::move(by)), sub_(std::move(sub)), inner_(inner), prefix_(std::move(prefix)) {}
  JoinPipe(const JoinPipe& o)
      : Pipe(o), by_(o.by_), sub_(o.sub_->Clone()), inner_(o.inner_), prefix_(o.prefix_), table_(o.table_) {}
  std::string String() const override {
    std::string s = "join by (" + FieldListString(by_) + ") (" + sub_->ToString() + ")";
    if (inner_) s += " inner";
    if (!prefix_.empty()) s += " prefix " + QuoteLogsql(prefix_);
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<JoinPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    for (const auto& f : by_) needed->Add(f);
  }
  bool IsRowWise() const override { return true; }  // the table is read-only once built
  PipeSplit Split() const override {
    PipeSplit s;
    s.local = Clone();
    s.stops_pushdown = true;
    return s;
  }
  Query* pending_subquery() override { return table_ ? nullptr : sub_.get(); }
  void SetSubqueryRows(std::vector<ResultBlock> blocks) override {
    auto t = std::make_shared<JoinTable>();
    std::unordered_map<std::string, size_t> name_index;
    for (const auto& b : blocks) {
      std::vector<const ResultColumn*> key_cols;
      for (const auto& f : by_) key_cols.push_back(b.Find(f));
      std::vector<std::pair<size_t, const ResultColumn*>> fields;  // name index, column
      for (const auto& c : b.columns) {
        if (std::find(by_.begin(), by_.end(), c.name) != by_.end()) continue;
        const std::string name = prefix_ + c.name;
        auto it = name_index.find(name);
        if (it == name_index.end()) {
          it = name_index.emplace(name, t->names.size()).first;
          t->names.push_back(name);
        }
        fields.emplace_back(it->second, &c);
      }
      for (size_t r = 0; r < b.rows; ++r) {
        std::vector<std::string> row(t->names.size());
        for (const auto& [idx, c] : fields) {
          row[idx] = c->at(r);
          t->bytes += row[idx].size() + 32;
        }
        t->by_key.emplace(KeyOf(key_cols, r), t->rows.size());
        t->rows.push_back(std::move(row));
      }
    }
    for (auto& row : t->rows) row.resize(t->names.size());
    table_ = std::move(t);
  }
  ResultBlock Apply(ResultBlock&& b) const override {
    if (!table_) return std::move(b);
    const JoinTable& t = *table_;
    std::vector<const ResultColumn*> key_cols;
    for (const auto& f : by_) key_cols.push_back(b.Find(f));
    std::vector<std::pair<uint32_t, int64_t>> out;  // (row of b, joined row or -1)
    for (size_t r = 0; r < b.rows; ++r) {
      auto [lo, hi] = t.by_key.equal_range(KeyOf(key_cols, r));
      if (lo == hi) {
        if (!inner_) out.emplace_back(static_cast<uint32_t>(r), -1);
        continue;
      }
      // In the subquery's row order.
      std::vector<size_t> matches;
      for (auto it = lo; it != hi; ++it) matches.push_back(it->second);
      std::sort(matches.begin(), matches.end());
      for (size_t m : matches) out.emplace_back(static_cast<uint32_t>(r), static_cast<int64_t>(m));
    }
    ResultBlock res;
    res.rows = out.size();
    for (const auto& c : b.columns) {
      StringsBuilder sb(res.rows);
      for (const auto& [r, m] : out) sb.Add(c.at(r));
      res.columns.push_back(sb.Build(c.name));
    }
    for (size_t i = 0; i < t.names.size(); ++i) {
      const ResultColumn* mine = b.Find(t.names[i]);
      StringsBuilder sb(res.rows);
      for (const auto& [r, m] : out) {
        const std::string_view own = ValueAt(mine, r);
        sb.Add(!own.empty() || m < 0 ? own : std::string_view(t.rows[static_cast<size_t>(m)][i]));
      }
      PutColumn(&res, sb.Build(t.names[i]));
    }
    return res;
  }

 private:
  std::vector<std::string> by_;
  std::unique_ptr<Query> sub_;
  bool inner_;
  std::string prefix_;
  std::shared_ptr<const JoinTable> table_;  // null until the subquery ran
};

}  // namespace

std::unique_ptr<Pipe> ParseJoin(parser_internal::Parser& p) {
  if (p.Cur().IsKeyword("by") || p.Cur().IsKeyword("on")) p.Next();
  std::vector<std::string> by;
  if (!p.ReadFieldList(&by, /*parens=*/true)) return nullptr;
  if (by.empty()) return p.FailNull(p.Unexpected(), "at least one join field");
  for (const auto& f : by) {
    if (f.back() == '*') return p.FailNull("join fields cannot be wildcards (\"" + f + "\")", "field name");
  }
  if (!p.Cur().IsPunct("(")) return p.FailNull(p.Unexpected(), "'(' with the query to join");
  p.Next();
  auto sub = p.ParseSubquery(/*one_field=*/false);
  if (!sub) return nullptr;
  bool inner = false;
  std::string prefix;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("inner")) {
      p.Next();
      inner = true;
    } else if (p.Cur().IsKeyword("prefix")) {
      p.Next();
      bool ok = true;
      prefix = p.ReadValue(0, &ok);
      if (!ok) return p.FailNull(p.Unexpected(), "prefix");
    } else {
      return p.FailNull(p.Unexpected(), "inner, prefix or '|'");
    }
  }
  return std::make_unique<JoinPipe>(std::move(by), std::move(sub), inner, std::move(prefix));
}

}  // namespace vl::logsql::pipes
