// The group table of a `stats` pipe: by-field values (bucketed) -> one state per function.
// A block is grouped once (group id per row, or one group for the whole block when the by-columns
// are constant), then each function updates its states for the whole block in one call.
#include <cstring>

#include "vl/common/time_util.h"
#include "vl/common/varint.h"
#include "../stats/stats_func.h"
#include "../stats/uniq_key.h"
#include "group_table.h"
#include "pipes.h"
#include "result_block_source.h"

namespace vl::logsql {

namespace {

// A group: its functions' states. Its by-values are not kept apart: the table's key holds them
// (length-prefixed, see AppendKeyPart).
struct Group {
  stats::FuncState** states = nullptr;  // one per function, in the state arena
  uint64_t epoch = 0;  // the block that last saw it, and its id in that block
  uint32_t local_id = 0;
};

}  // namespace

struct StatsState::Impl {
  const StatsPipe& pipe;
  GroupTable<Group> groups;
  stats::StateArena arena;  // the groups' states; declared after groups, so destroyed first
  size_t bytes = 0;  // group keys, by-values and states, roughly
  uint64_t epoch = 0;

  explicit Impl(const StatsPipe& p) : pipe(p) {}

  // A group's key, its table entry and slots, and each function's state object.
  size_t GroupOverhead(std::string_view key) const {
    return key.size() + sizeof(GroupTable<Group>::Entry) + 32 + pipe.calls.size() * 64;
  }

  static size_t StatesBytes(const std::vector<Group*>& gs, size_t fi) {
    size_t n = 0;
    for (const Group* g : gs) n += g->states[fi]->MemoryBytes();
    return n;
  }

  Group NewGroup() {
    Group g;
    g.states = arena.NewArray(pipe.calls.size());
    for (size_t i = 0; i < pipe.calls.size(); ++i) g.states[i] = pipe.calls[i].func->NewState(arena);
    return g;
  }

  Group& GetGroup(std::string_view key) {
    const uint64_t h = GroupTable<Group>::Hash(key);
    if (auto* e = groups.Find(key, h)) return e->value;
    bytes += GroupOverhead(key);
    return groups.Insert(key, h, NewGroup()).value;
  }

  // Scratch for GroupOfRow, reused across rows.
  struct GroupKey {
    std::string key;
    std::vector<std::string_view> by_vals;
    std::vector<std::string> bucket_text;  // per by-field: the last bucketed value
    std::vector<int64_t> bucket_ts;        // per by-field: the time bucket bucket_text shows
  };

  // The group of row `r`, keyed by its by-field values (absent columns count as empty), each in
  // its bucket when `bucket` (states imported from elsewhere are bucketed already).
  Group& GroupOfRow(const std::vector<const ResultColumn*>& by_cols, size_t r, GroupKey* gk, bool bucket = true) {
    KeyOfRow(by_cols, r, gk, bucket);
    return GetGroup(gk->key);
  }

  // The key of row `r`'s group into gk->key.
  void KeyOfRow(const std::vector<const ResultColumn*>& by_cols, size_t r, GroupKey* gk, bool bucket) {
    gk->key.clear();
    gk->by_vals.resize(by_cols.size());
    gk->bucket_text.resize(by_cols.size());
    gk->bucket_ts.resize(by_cols.size(), INT64_MIN);
    for (size_t i = 0; i < by_cols.size(); ++i) {
      const ResultColumn* c = by_cols[i];
      std::string_view v = c ? c->at(r) : std::string_view();
      const StatsBucket* b = bucket && i < pipe.by_buckets.size() ? &pipe.by_buckets[i] : nullptr;
      if (c && b && b->kind == StatsBucket::Kind::kTime && c->type() == ResultColumn::Type::kTimestamps) {
        // Rows of a block come in time order: format a bucket once per run of rows in it.
        const int64_t start = b->TimeBucket(c->timestamps()[r]);
        if (start != gk->bucket_ts[i] || gk->bucket_text[i].empty()) {
          gk->bucket_ts[i] = start;
          gk->bucket_text[i].clear();
          AppendRFC3339Nano(start, &gk->bucket_text[i]);
        }
        v = gk->bucket_text[i];
      } else if (c && b && b->kind != StatsBucket::Kind::kNone) {
        v = b->Apply(v, &gk->bucket_text[i]);
        gk->bucket_ts[i] = INT64_MIN;
      }
      gk->by_vals[i] = v;
      stats::AppendKeyPart(v, &gk->key);
    }
  }

  // Groups the rows of `b`: *ids gets a block-local group id per row and *local the groups, or
  // *ids stays empty when one group takes the whole block.
  void GroupRows(const ResultBlock& b, std::vector<uint32_t>* ids, std::vector<Group*>* local) {
    ++epoch;
    std::vector<const ResultColumn*> by_cols;
    for (const auto& f : pipe.by) by_cols.push_back(b.Find(f));
    GroupKey gk;
    // Constant by-columns make one group for the whole block; dictionary by-columns look a group
    // up once per distinct code combination.
    size_t combos = 1;
    bool typed = true;
    for (const auto* c : by_cols) {
      if (!c || c->type() == ResultColumn::Type::kConst) continue;
      if (c->type() != ResultColumn::Type::kDict || combos * c->dict().size() > (1u << 16)) {
        typed = false;
        break;
      }
      combos *= c->dict().size();
    }
    if (typed && combos == 1) {
      local->push_back(&GroupOfRow(by_cols, 0, &gk));
      return;
    }
    auto local_id = [&](Group* g) {
      if (g->epoch != epoch) {
        g->epoch = epoch;
        g->local_id = static_cast<uint32_t>(local->size());
        local->push_back(g);
      }
      return g->local_id;
    };
    ids->resize(b.rows);
    if (typed) {
      std::vector<int64_t> by_combo(combos, -1);
      for (size_t r = 0; r < b.rows; ++r) {
        size_t combo = 0;
        for (const auto* c : by_cols) {
          if (c && c->type() == ResultColumn::Type::kDict) combo = combo * c->dict().size() + c->codes()[r];
        }
        if (by_combo[combo] < 0) by_combo[combo] = local_id(&GroupOfRow(by_cols, r, &gk));
        (*ids)[r] = static_cast<uint32_t>(by_combo[combo]);
      }
      return;
    }
    // Neighbouring rows often share a group (time buckets, sorted values): compare the key with
    // the previous row's before hashing it.
    std::string prev_key;
    int64_t prev_id = -1;
    for (size_t r = 0; r < b.rows; ++r) {
      KeyOfRow(by_cols, r, &gk, /*bucket=*/true);
      if (prev_id < 0 || gk.key != prev_key) {
        prev_id = local_id(&GetGroup(gk.key));
        prev_key = gk.key;
      }
      (*ids)[r] = static_cast<uint32_t>(prev_id);
    }
  }

  // The columns a function reads from `b`: those its field patterns select, or all.
  static std::vector<const ResultColumn*> ColumnsOf(const ResultBlock& b, const stats::StatsFunc& f) {
    std::vector<const ResultColumn*> out;
    if (f.fields().empty()) {
      for (const auto& c : b.columns) out.push_back(&c);
      return out;
    }
    // In the order of the arguments: tuples and row_* outputs follow it.
    for (const auto& pat : f.fields()) {
      for (const auto& c : b.columns) {
        if (!FieldMatches(pat, c.name)) continue;
        bool dup = false;
        for (const auto* o : out) dup |= o == &c;
        if (!dup) out.push_back(&c);
      }
    }
    return out;
  }

  void Update(const ResultBlock& b) {
    if (b.rows == 0) return;
    std::vector<uint32_t> ids;
    std::vector<Group*> local;
    GroupRows(b, &ids, &local);
    std::vector<stats::FuncState*> states(local.size());
    for (size_t fi = 0; fi < pipe.calls.size(); ++fi) {
      const StatsCall& call = pipe.calls[fi];
      for (size_t k = 0; k < local.size(); ++k) states[k] = local[k]->states[fi];
      // What the touched states hold, before and after (the rest did not change).
      const size_t before = StatesBytes(local, fi);
      UpdateCall(b, call, ids, states);
      bytes = bytes + StatesBytes(local, fi) - before;
    }
  }

  void UpdateCall(const ResultBlock& b, const StatsCall& call, const std::vector<uint32_t>& ids,
                  std::vector<stats::FuncState*>& states) {
    if (!call.condition) {
      stats::FuncInput in{&b, b.rows, ColumnsOf(b, *call.func)};
      call.func->Update(in, ids.empty() ? nullptr : ids.data(), states.data());
      return;
    }
    // `if (...)`: the function sees only the rows the condition selects.
    Bitmap bm(b.rows, 1);
    {
      ResultBlockSource src(b);
      call.condition->Eval(src, &bm);
    }
    ResultBlock sub = SelectRows(b, bm);
    if (sub.rows == 0) return;
    std::vector<uint32_t> sub_ids;
    if (!ids.empty()) {
      sub_ids.reserve(sub.rows);
      for (size_t r = 0; r < b.rows; ++r) {
        if (bm[r]) sub_ids.push_back(ids[r]);
      }
    }
    stats::FuncInput in{&sub, sub.rows, ColumnsOf(sub, *call.func)};
    call.func->Update(in, sub_ids.empty() ? nullptr : sub_ids.data(), states.data());
  }

  void RecountBytes() {
    bytes = 0;
    groups.ForEach([&](const auto& e) {
      bytes += GroupOverhead(e.key);
      for (size_t i = 0; i < pipe.calls.size(); ++i) bytes += e.value.states[i]->MemoryBytes();
    });
  }
};

StatsState::StatsState(const StatsPipe& pipe) : impl_(std::make_unique<Impl>(pipe)) {}
StatsState::~StatsState() = default;
StatsState::StatsState(StatsState&&) noexcept = default;

void StatsState::Update(const ResultBlock& block) { impl_->Update(block); }

void StatsState::UpdateFromHeader(uint64_t rows, int64_t min_ts, int64_t max_ts) {
  static const std::string kNoKey;
  Group& g = impl_->GetGroup(kNoKey);
  for (size_t i = 0; i < impl_->pipe.calls.size(); ++i) {
    impl_->pipe.calls[i].func->UpdateFromHeader(g.states[i], rows, min_ts, max_ts);
  }
}

size_t StatsState::MemoryBytes() const { return impl_->bytes; }

void StatsState::Merge(StatsState&& other) {
  auto& mine = impl_->groups;
  auto& theirs = other.impl_->groups;
  if (mine.empty()) {
    mine.Swap(theirs);
  } else {
    mine.Reserve(mine.size() + theirs.size());
    // Groups only the other has move over with their states; the hash is not computed again.
    theirs.ForEach([&](auto& e) {
      if (auto* found = mine.Find(e.key, e.hash)) {
        for (size_t i = 0; i < impl_->pipe.calls.size(); ++i) found->value.states[i]->Merge(std::move(*e.value.states[i]));
      } else {
        mine.Insert(e.key, e.hash, std::move(e.value));
      }
    });
  }
  theirs.Clear();
  impl_->arena.Adopt(std::move(other.impl_->arena));  // the states that moved over live there
  other.impl_->bytes = 0;
  impl_->RecountBytes();
}

// A partial state on the wire: the function's name (length-prefixed), then its own encoding, so
// a state is never read by another function's decoder.
bool StatsState::ImportStates(const ResultBlock& b) {
  const StatsPipe& pipe = impl_->pipe;
  std::vector<const ResultColumn*> by_cols, fn_cols;
  for (const auto& f : pipe.by) by_cols.push_back(b.Find(f));
  for (const auto& c : pipe.calls) {
    fn_cols.push_back(b.Find(c.result_name));
    if (!fn_cols.back()) return false;
  }
  Impl::GroupKey gk;
  for (size_t r = 0; r < b.rows; ++r) {
    Group& g = impl_->GroupOfRow(by_cols, r, &gk, /*bucket=*/false);
    for (size_t fi = 0; fi < pipe.calls.size(); ++fi) {
      std::string_view enc = fn_cols[fi]->at(r);
      std::string_view tag;
      if (!ReadLengthPrefixed(&enc, &tag) || tag != pipe.calls[fi].func->name()) return false;
      const size_t before = g.states[fi]->MemoryBytes();
      if (!g.states[fi]->Import(enc)) return false;
      impl_->bytes = impl_->bytes + g.states[fi]->MemoryBytes() - before;
    }
  }
  return true;
}

namespace {

// Rows of a stats pipe's output: the by-fields, then one column per function.
class StatsOutput {
 public:
  explicit StatsOutput(const StatsPipe& pipe) : pipe_(pipe), cols_(pipe.by.size() + pipe.calls.size()) {}
  // Appends one row for the group of `key`; `render(i, out)` appends the value of function
  // column i.
  template <typename Render>
  void Add(std::string_view key, Render&& render) {
    for (size_t i = 0; i < pipe_.by.size(); ++i) {
      uint32_t n = 0;
      if (key.size() >= sizeof(n)) std::memcpy(&n, key.data(), sizeof(n));
      n = static_cast<uint32_t>(std::min<size_t>(n, key.size() - std::min(key.size(), sizeof(n))));
      cols_[i].Add(key.substr(sizeof(n), n));
      key.remove_prefix(std::min(key.size(), sizeof(n) + n));
    }
    for (size_t i = 0; i < pipe_.calls.size(); ++i) {
      buf_.clear();
      render(i, &buf_);
      cols_[pipe_.by.size() + i].Add(buf_);
    }
    ++rows_;
  }
  ResultBlock Build() {
    ResultBlock out;
    out.rows = rows_;
    for (size_t i = 0; i < pipe_.by.size(); ++i) out.columns.push_back(cols_[i].Build(pipe_.by[i]));
    for (size_t i = 0; i < pipe_.calls.size(); ++i) {
      out.columns.push_back(cols_[pipe_.by.size() + i].Build(pipe_.calls[i].result_name));
    }
    return out;
  }

 private:
  const StatsPipe& pipe_;
  std::vector<StringsBuilder> cols_;
  std::string buf_;
  size_t rows_ = 0;
};

}  // namespace

ResultBlock StatsState::ExportStates() const {
  const StatsPipe& pipe = impl_->pipe;
  StatsOutput out(pipe);
  impl_->groups.ForEach([&](const auto& entry) {
    const Group& g = entry.value;
    out.Add(entry.key, [&](size_t i, std::string* buf) {
      AppendLengthPrefixed(pipe.calls[i].func->name(), buf);
      g.states[i]->Export(buf);
    });
  });
  return out.Build();
}

ResultBlock StatsState::Result() const {
  const StatsPipe& pipe = impl_->pipe;
  StatsOutput out(pipe);
  auto emit = [&](std::string_view key, const Group& g) {
    out.Add(key, [&](size_t i, std::string* buf) { g.states[i]->Result(buf); });
  };
  // Without `by`, one row even for zero input rows.
  if (impl_->groups.empty() && pipe.by.empty()) emit({}, impl_->NewGroup());
  impl_->groups.ForEach([&](const auto& entry) { emit(entry.key, entry.value); });
  return out.Build();
}

}  // namespace vl::logsql
