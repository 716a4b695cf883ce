#include "exec_fast.h"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

#include <cstring>

#include "vl/common/metrics.h"
#include "vl/logsql/pipe.h"
#include "vl/logsql/uniq_set.h"
#include "block_source.h"

namespace vl::logsql {

void BlockCounters::Publish() const {
  static auto& read_total = Metrics::Global().Counter("vl_query_blocks_read_total");
  static auto& skipped_total = Metrics::Global().Counter("vl_query_blocks_skipped_total");
  read_total.fetch_add(read.load(), std::memory_order_relaxed);
  skipped_total.fetch_add(skipped.load(), std::memory_order_relaxed);
}

namespace {

void AppendKeyPart(std::string_view v, std::string* key) {
  uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), sizeof(n));
  key->append(v);
}

struct CountGroup {
  std::vector<std::string> by;
  uint64_t rows = 0;
  std::vector<UniqSet> uniq;  // one per count_uniq function
};
using CountGroups = std::unordered_map<std::string, CountGroup>;

// The count_uniq functions of the pipe: index into funcs and the field read.
struct UniqFunc {
  size_t func_index;
  std::string field;
};

CountGroup& FindGroup(CountGroups* groups, const std::string& key,
                      const std::vector<std::string_view>& by, size_t nuniq) {
  auto [it, added] = groups->try_emplace(key);
  if (added) {
    it->second.by.assign(by.begin(), by.end());
    it->second.uniq.resize(nuniq);
  }
  return it->second;
}

// Adds the distinct non-empty values of rows [begin, end) (selected by `bm`) to `g`.
void AddUniqRows(BlockView& block, const std::vector<UniqFunc>& uniq,
                 std::vector<const ColumnValues*>& ucols, std::vector<std::string_view>& uconst,
                 const Bitmap* bm, size_t begin, size_t end, CountGroup* g) {
  for (size_t u = 0; u < uniq.size(); u++) {
    UniqSet& set = g->uniq[u];
    if (!ucols[u]) {
      if (!uconst[u].empty()) set.Insert(uconst[u]);
      continue;
    }
    const std::string_view* vals = ucols[u]->data();
    std::string_view prev;
    bool has_prev = false;
    for (size_t r = begin; r < end; r++) {
      if (bm && !(*bm)[r]) continue;
      std::string_view v = vals[r];
      if (v.empty()) continue;
      // Dictionary and const columns repeat the same bytes: skip rows equal to the previous one.
      if (has_prev && v.data() == prev.data() && v.size() == prev.size()) continue;
      prev = v;
      has_prev = true;
      set.Insert(v);
    }
  }
}

// Counts the selected rows of one block into `local`, reading as little as possible.
void CountBlock(BlockView& block, const std::vector<std::string>& by,
                const std::vector<UniqFunc>& uniq, const Bitmap* bm, size_t selected,
                CountGroups* local) {
  const size_t n = block.rows_count();
  std::vector<std::string> owned(by.size());
  std::vector<std::string_view> consts(by.size());
  std::vector<const ColumnValues*> cols(by.size(), nullptr);
  bool varying = false;
  for (size_t i = 0; i < by.size(); i++) {
    if (by[i] == "_stream") {
      owned[i] = block.stream_tags().ToString();
      consts[i] = owned[i];
    } else if (by[i] == "_stream_id") {
      owned[i] = block.stream_id().ToString();
      consts[i] = owned[i];
    } else if (!block.ConstValue(by[i], &consts[i])) {
      cols[i] = block.column(by[i]);  // nullptr: the block lacks the field, value ""
      varying |= cols[i] != nullptr;
    }
  }
  std::vector<const ColumnValues*> ucols(uniq.size(), nullptr);
  std::vector<std::string_view> uconst(uniq.size());
  for (size_t u = 0; u < uniq.size(); u++) {
    if (!block.ConstValue(uniq[u].field, &uconst[u])) {
      ucols[u] = block.column(uniq[u].field);
      if (!ucols[u]) uconst[u] = {};
    }
  }
  std::string key;
  std::vector<std::string_view> vals = consts;
  if (!varying) {
    for (auto v : vals) AppendKeyPart(v, &key);
    CountGroup& g = FindGroup(local, key, vals, uniq.size());
    g.rows += selected;
    if (!uniq.empty()) AddUniqRows(block, uniq, ucols, uconst, bm, 0, n, &g);
    return;
  }
  // Rows of a block often repeat the previous row's group: count runs, hash once per run.
  std::vector<std::string_view> run;
  uint64_t run_rows = 0;
  size_t run_begin = 0;
  auto flush_run = [&](size_t run_end) {
    if (run_rows == 0) return;
    key.clear();
    for (auto v : run) AppendKeyPart(v, &key);
    CountGroup& g = FindGroup(local, key, run, uniq.size());
    g.rows += run_rows;
    if (!uniq.empty()) AddUniqRows(block, uniq, ucols, uconst, bm, run_begin, run_end, &g);
    run_rows = 0;
  };
  for (size_t r = 0; r < n; r++) {
    if (bm && !(*bm)[r]) continue;
    for (size_t i = 0; i < by.size(); i++)
      if (cols[i]) vals[i] = (*cols[i])[r];
    if (run_rows && vals != run) flush_run(r);
    if (run_rows == 0) {
      run = vals;
      run_begin = r;
    }
    run_rows++;
  }
  flush_run(n);
}

bool IsSpecialField(const std::string& f) { return f == "_time" || f == "_stream" || f == "_stream_id"; }

std::vector<UniqFunc> UniqFuncs(const PipeSpec& p) {
  std::vector<UniqFunc> out;
  for (size_t i = 0; i < p.funcs.size(); i++)
    if (p.funcs[i].func == "count_uniq") out.push_back({i, p.funcs[i].fields[0]});
  return out;
}

}  // namespace

bool IsCountOnlyQuery(const Query& query) {
  if (query.pipes().empty()) return false;
  const PipeSpec& p = *query.pipes()[0];
  if (p.kind != PipeKind::kStats || p.funcs.empty()) return false;
  if (p.stats_mode != StatsMode::kNormal && p.stats_mode != StatsMode::kRemote) return false;
  for (const auto& f : p.funcs) {
    if (f.func == "count" && f.fields.empty()) continue;
    // count_uniq of one named stored field: distinct values are hashed straight from the block.
    if (f.func == "count_uniq" && f.fields.size() == 1 && !f.fields[0].empty() &&
        f.fields[0].back() != '*' && !IsSpecialField(f.fields[0]))
      continue;
    return false;
  }
  for (const auto& b : p.by)
    if (b.empty() || b.back() == '*' || b == "_time" || b.find(':') != std::string::npos) return false;
  return true;
}

Status RunCountQuery(const Searchable& data, const SearchSpec& spec, const Query& query,
                     ResultSink& sink, const std::atomic<bool>* cancelled, BlockCounters* counters) {
  const auto& pipes = query.pipes();
  const PipeSpec& stats = *pipes[0];
  std::vector<std::unique_ptr<Processor>> chain;
  chain.push_back(MakeSinkProcessor(&sink));
  for (size_t i = pipes.size(); i-- > 1;) chain.push_back(MakeProcessor(*pipes[i], chain.back().get()));
  Processor* head = chain.back().get();

  const Filter& filter = query.filter();
  // Blocks inside the search's time range are wholly selected when the search alone decides the
  // filter (`*`, top-level time and stream filters): no bitmap is needed.
  const bool decided_by_search = filter.DecidedBySearch();
  std::mutex mu;
  CountGroups groups;
  const std::vector<UniqFunc> uniq = UniqFuncs(stats);
  // Per-worker partial groups, reused across blocks and merged once at the end.
  std::vector<std::unique_ptr<CountGroups>> pool;
  BlockVisitor visit = [&](BlockView& block) -> bool {
    if (cancelled && cancelled->load(std::memory_order_relaxed)) return false;
    counters->read.fetch_add(1, std::memory_order_relaxed);
    const size_t n = block.rows_count();
    if (n == 0) return true;
    size_t selected = n;
    Bitmap bm;
    const bool whole_block = decided_by_search && block.min_timestamp() >= spec.min_timestamp &&
                             block.max_timestamp() <= spec.max_timestamp;
    if (!whole_block) {
      bm.assign(n, 1);
      BlockSource src(block);
      filter.Eval(src, &bm);
      selected = static_cast<size_t>(std::count(bm.begin(), bm.end(), uint8_t{1}));
      if (selected == 0) return true;
    }
    std::unique_ptr<CountGroups> local;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!pool.empty()) {
        local = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!local) local = std::make_unique<CountGroups>();
    CountBlock(block, stats.by, uniq, whole_block ? nullptr : &bm, selected, local.get());
    std::lock_guard<std::mutex> lock(mu);
    pool.push_back(std::move(local));
    return true;
  };
  Status st;
  if (spec.min_timestamp <= spec.max_timestamp) st = data.Search(spec, visit, /*parallel=*/true);
  if (cancelled && cancelled->load()) return Status::Cancelled("query cancelled");
  if (!st.ok()) return st;
  for (auto& part : pool) {
    for (auto& [key, g] : *part) {
      auto [it, added] = groups.try_emplace(key, std::move(g));
      if (added) continue;
      it->second.rows += g.rows;
      for (size_t u = 0; u < uniq.size(); u++) it->second.uniq[u].Merge(std::move(g.uniq[u]));
    }
  }
  pool.clear();
  StatsState state(stats);
  const bool final_only = stats.stats_mode == StatsMode::kNormal;
  std::vector<std::string_view> distinct;
  for (const auto& [key, g] : groups) {
    state.AddCount(g.by, g.rows);
    for (size_t u = 0; u < uniq.size(); u++) {
      if (final_only) {
        state.AddUniqCount(g.by, uniq[u].func_index, g.uniq[u].size());
        continue;
      }
      distinct.clear();
      g.uniq[u].ForEach([&](std::string_view v) { distinct.push_back(v); });
      state.AddUniqValues(g.by, uniq[u].func_index, distinct);
    }
  }
  ResultBlock out = stats.stats_mode == StatsMode::kRemote ? state.ExportStates() : state.Result();
  if (out.rows > 0) head->Push(std::move(out));
  head->Flush();
  return Status::OK();
}

std::unique_ptr<TimeTopN> TimeTopN::ForQuery(const Query& query) {
  if (query.pipes().empty()) return nullptr;
  const PipeSpec& p = *query.pipes()[0];
  if (p.kind != PipeKind::kSort || p.sort_limit == 0 || p.sort_by.size() != 1 ||
      p.sort_by[0].name != "_time")
    return nullptr;
  const bool desc = p.sort_by[0].desc != p.sort_desc;
  return std::unique_ptr<TimeTopN>(new TimeTopN(desc, p.sort_offset + p.sort_limit));
}

void TimeTopN::Prime(const Searchable& data, const SearchSpec& spec, const Query& query) {
  if (!query.filter().DecidedBySearch()) return;
  struct Meta {
    int64_t min_ts, max_ts;
    size_t rows;
  };
  std::mutex mu;
  std::vector<Meta> metas;
  SearchSpec s = spec;
  s.block_filter = [&](BlockView& b) {
    if (b.min_timestamp() >= spec.min_timestamp && b.max_timestamp() <= spec.max_timestamp) {
      std::lock_guard<std::mutex> lock(mu);
      metas.push_back({b.min_timestamp(), b.max_timestamp(), b.rows_count()});
    }
    return false;  // headers only: no block is visited
  };
  if (!data.Search(s, [](BlockView&) { return true; }, /*parallel=*/true).ok()) return;
  // The blocks that are best even at their worst row hold at least N rows at least this good.
  std::sort(metas.begin(), metas.end(), [&](const Meta& a, const Meta& b) {
    return desc_ ? a.min_ts > b.min_ts : a.max_ts < b.max_ts;
  });
  size_t rows = 0;
  for (const Meta& m : metas) {
    rows += m.rows;
    if (rows >= n_) {
      threshold_.store(desc_ ? m.min_ts : m.max_ts);
      return;
    }
  }
}

bool TimeTopN::BlockMayEnter(int64_t min_ts, int64_t max_ts) const {
  return Beats(desc_ ? max_ts : min_ts, threshold_.load(std::memory_order_relaxed));
}

size_t TimeTopN::Offer(const int64_t* ts, Bitmap* bm) {
  const int64_t thr = threshold_.load(std::memory_order_relaxed);
  std::vector<int64_t> cand;
  for (size_t i = 0; i < bm->size(); i++) {
    if (!(*bm)[i]) continue;
    if (!Beats(ts[i], thr)) (*bm)[i] = 0;
    else cand.push_back(ts[i]);
  }
  const size_t survivors = cand.size();
  auto better = [&](int64_t a, int64_t b) { return desc_ ? a > b : a < b; };
  if (cand.size() > n_) {
    std::nth_element(cand.begin(), cand.begin() + static_cast<ptrdiff_t>(n_ - 1), cand.end(), better);
    cand.resize(n_);
  }
  // Heap ordered so that its top is the worst of the kept timestamps.
  std::lock_guard<std::mutex> lock(mu_);
  for (int64_t t : cand) {
    if (best_.size() < n_) {
      best_.push_back(t);
      std::push_heap(best_.begin(), best_.end(), better);
    } else if (better(t, best_.front())) {
      std::pop_heap(best_.begin(), best_.end(), better);
      best_.back() = t;
      std::push_heap(best_.begin(), best_.end(), better);
    }
  }
  if (best_.size() == n_ && better(best_.front(), threshold_.load()) ) threshold_.store(best_.front());
  return survivors;
}

}  // namespace vl::logsql
