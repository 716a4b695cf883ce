#include "vl/logsql/executor.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <unordered_set>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_eval.h"
#include "block_source.h"
#include "pipes/pipes.h"
#include "time_top_n.h"
#include "vl/common/metrics.h"

namespace vl::logsql {

namespace {

// The pipes as executed: `sort ... | fields ... | limit N` gives the sort a limit of N too
// (fields changes no row count), so it keeps a top-N instead of every row. The printed query
// is left as written.
std::unique_ptr<Query> PlanQuery(const Query& query) {
  auto planned = query.Clone();
  auto& pipes = planned->mutable_pipes();
  for (size_t i = 0; i < pipes.size(); ++i) {
    SortPipe* sort = PipeAs<SortPipe>(*pipes[i]);
    if (!sort || !sort->partition_by.empty()) continue;
    size_t j = i + 1;
    while (j < pipes.size() && PipeAs<FieldsPipe>(*pipes[j])) ++j;
    const LimitPipe* limit = j < pipes.size() ? PipeAs<LimitPipe>(*pipes[j]) : nullptr;
    if (j == i + 1 || !limit) continue;
    if (sort->limit == 0 || limit->n() < sort->limit) sort->limit = limit->n();
  }
  return planned;
}

// Which columns the pipe chain can observe: back to front, each pipe says what it reads.
NeededFields ComputeNeeded(const Query& q) {
  NeededFields n;
  const auto& pipes = q.pipes();
  for (size_t i = pipes.size(); i-- > 0;) pipes[i]->UpdateNeeded(&n);
  return n;
}

// A dictionary-encoded column's rows are views into its few distinct values: the codes come
// from which value each view points at.
bool BuildDictColumn(const std::string& name, const ColumnValues& vals, const Bitmap* bm, size_t selected,
                     ResultColumn* out) {
  std::vector<const char*> ptrs;
  auto dict = std::make_shared<std::vector<std::string>>();
  std::vector<uint32_t> codes;
  codes.reserve(selected);
  uint32_t last = 0;
  const char* last_ptr = nullptr;
  size_t last_size = 0;
  for (size_t i = 0; i < vals.size(); ++i) {
    if (bm && !(*bm)[i]) continue;
    const std::string_view v = vals[i];
    if (v.data() != last_ptr || v.size() != last_size || last_ptr == nullptr) {
      size_t k = 0;
      while (k < ptrs.size() && !(ptrs[k] == v.data() && (*dict)[k].size() == v.size())) ++k;
      if (k == ptrs.size()) {
        if (ptrs.size() == 256) return false;  // not a dictionary after all
        ptrs.push_back(v.data());
        dict->emplace_back(v);
      }
      last = static_cast<uint32_t>(k);
      last_ptr = v.data();
      last_size = v.size();
    }
    codes.push_back(last);
  }
  *out = ResultColumn::Dict(name, std::move(dict), std::move(codes));
  return true;
}

// The selected rows of the block (`bm` nullptr: all of them) as typed columns.
ResultBlock BuildResult(BlockView& block, const Bitmap* bm, size_t selected, const NeededFields& need) {
  ResultBlock out;
  out.rows = selected;
  const size_t n = block.rows_count();
  if (need.names_only) {
    out.columns.push_back(ResultColumn::Const("_time", "1", selected));
  } else if (need.Wants("_time")) {
    std::vector<int64_t> ts;
    ts.reserve(selected);
    auto all = block.timestamps();
    for (size_t i = 0; i < n; ++i) {
      if (!bm || (*bm)[i]) ts.push_back(all[i]);
    }
    out.columns.push_back(ResultColumn::Timestamps("_time", std::move(ts)));
  }
  if (need.Wants("_stream_id")) out.columns.push_back(ResultColumn::Const("_stream_id", block.stream_id().ToString(), selected));
  if (need.Wants("_stream")) out.columns.push_back(ResultColumn::Const("_stream", block.stream_tags().ToString(), selected));
  auto add_col = [&](const std::string& name) {
    if (need.names_only) {
      // Only presence counts: a stored column is present in all the block's rows.
      out.columns.push_back(ResultColumn::Const(name, "1", selected));
      return;
    }
    std::string_view constant;
    if (block.ConstValue(name, &constant)) {
      if (!constant.empty()) out.columns.push_back(ResultColumn::Const(name, std::string(constant), selected));
      return;
    }
    const ColumnValues* vals = block.column(name);
    if (!vals) return;
    ResultColumn c;
    if (block.ColumnType(name) == "dict" && BuildDictColumn(name, *vals, bm, selected, &c)) {
      out.columns.push_back(std::move(c));
      return;
    }
    if (std::shared_ptr<const void> owner = block.ColumnOwner(name)) {
      // Views into the block's decoded buffer, which the column now co-owns: no copy.
      std::vector<std::string_view> views;
      if (!bm) {
        views = *vals;
      } else {
        views.reserve(selected);
        for (size_t i = 0; i < n; ++i) {
          if ((*bm)[i]) views.push_back((*vals)[i]);
        }
      }
      out.columns.push_back(ResultColumn::Views(name, std::move(views), {std::move(owner)}));
      return;
    }
    StringsBuilder sb(selected);
    for (size_t i = 0; i < n; ++i) {
      if (!bm || (*bm)[i]) sb.Add((*vals)[i]);
    }
    out.columns.push_back(sb.Build(name));
  };
  // Numerically stored columns also carry their numbers (stats and sort then parse no text).
  auto add_numbers = [&](ResultColumn* c) {
    const double* nums = block.NumericColumn(c->name);
    if (!nums) return;
    std::vector<double> sel;
    sel.reserve(selected);
    for (size_t i = 0; i < n; ++i) {
      if (!bm || (*bm)[i]) sel.push_back(nums[i]);
    }
    c->SetNumbers(std::move(sel));
  };
  if (need.Wants("_msg")) add_col("_msg");
  for (const auto& name : block.column_names()) {
    if (name != "_msg" && need.Wants(name)) add_col(name);
  }
  for (auto& c : out.columns) {
    if (need.numbers && c.type() == ResultColumn::Type::kStrings && c.name != "_msg") add_numbers(&c);
  }
  return out;
}

// Per-query block accounting, also added to the process-wide /metrics counters.
struct BlockCounters {
  std::atomic<uint64_t> read{0};     // blocks whose rows the query looked at
  std::atomic<uint64_t> skipped{0};  // candidate blocks rejected by headers (bloom, min/max, top-N)
  void Publish() const {
    static auto& read_total = Metrics::Global().Counter("vl_query_blocks_read_total");
    static auto& skipped_total = Metrics::Global().Counter("vl_query_blocks_skipped_total");
    read_total.fetch_add(read.load(), std::memory_order_relaxed);
    skipped_total.fetch_add(skipped.load(), std::memory_order_relaxed);
  }
};

// A leading `stats` pipe runs in each worker on a private state; the states merge once at the
// end. Nothing is serialized per block.
class WorkerStats {
 public:
  // `named` is the pipe a memory error names: the stats pipe, or the pipe it aggregates for.
  WorkerStats(const StatsPipe& spec, const Pipe& named, QueryMemory* memory) : spec_(spec), named_(named), memory_(memory) {}
  // False once the states are over the query's memory budget.
  bool Update(const ResultBlock& b) {
    std::unique_ptr<StatsState> st = Take();
    st->Update(b);
    return Give(std::move(st));
  }
  void UpdateFromHeader(uint64_t rows, int64_t min_ts, int64_t max_ts) {
    std::unique_ptr<StatsState> st = Take();
    st->UpdateFromHeader(rows, min_ts, max_ts);
    Give(std::move(st));
  }
  // The merged result (or partial states for a cluster router) for the rest of the chain.
  // `to_merger`: the next stage merges partial states (it is the pipe's merging half) and takes
  // them over whole.
  void Finish(Processor* next, bool to_merger) {
    StatsState merged(spec_);
    // The biggest state absorbs the others: fewer groups move.
    std::sort(pool_.begin(), pool_.end(), [](const auto& a, const auto& b) { return a->MemoryBytes() > b->MemoryBytes(); });
    for (auto& st : pool_) merged.Merge(std::move(*st));
    pool_.clear();
    if (to_merger) {
      next->PushStates(std::move(merged));
      return;
    }
    ResultBlock out = spec_.mode == StatsMode::kRemote ? merged.ExportStates() : merged.Result();
    if (out.rows > 0) next->Push(std::move(out));
  }

 private:
  std::unique_ptr<StatsState> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (pool_.empty()) return std::make_unique<StatsState>(spec_);
    auto st = std::move(pool_.back());
    pool_.pop_back();
    total_bytes_ -= st->MemoryBytes();
    return st;
  }
  bool Give(std::unique_ptr<StatsState> st) {
    const size_t bytes = st->MemoryBytes();
    std::lock_guard<std::mutex> lock(mu_);
    total_bytes_ += bytes;
    pool_.push_back(std::move(st));
    return memory_->Update(named_, &held_, total_bytes_);
  }

  const StatsPipe& spec_;
  const Pipe& named_;
  QueryMemory* memory_;
  std::mutex mu_;
  std::vector<std::unique_ptr<StatsState>> pool_;  // one per worker that has been busy
  size_t total_bytes_ = 0;  // of the states in the pool
  size_t held_ = 0;         // as last told to memory_
};

// Filters each block, materializes the selected rows as typed columns and feeds the pipes.
Status RunRowsQuery(const Searchable& data, const SearchSpec& spec, const Query& query,
                    ResultSink& sink, const std::atomic<bool>* cancelled, TimeTopN* topn,
                    BlockCounters* counters) {
  QueryMemory memory;
  // Leading row-wise pipes (fields, filter, extract, math, ...) and then a stats aggregation run
  // in the worker that read the block; the rest of the chain runs behind one lock.
  const auto& pipes = query.pipes();
  size_t in_worker = 0;
  while (in_worker < pipes.size() && pipes[in_worker]->IsRowWise()) ++in_worker;
  // The first stateful pipe runs in the workers too when it aggregates through a stats state:
  // a `stats` pipe itself, or a pipe whose cluster split sends partial stats states from the
  // nodes (`top`, `uniq`, `field_values`): the workers then play the nodes, and the pipe's
  // router half merges their states.
  PipeSplit lead_split;               // owns what lead_stats and merge_half point into
  std::unique_ptr<Pipe> merge_half;  // replaces pipes[in_worker] in the chain, when set
  const StatsPipe* lead_stats = nullptr;
  std::unique_ptr<WorkerStats> stats;
  if (in_worker < pipes.size()) {
    lead_stats = PipeAs<StatsPipe>(*pipes[in_worker]);
    if (lead_stats && lead_stats->mode != StatsMode::kNormal && lead_stats->mode != StatsMode::kRemote) {
      lead_stats = nullptr;
    }
    if (!lead_stats) {
      lead_split = pipes[in_worker]->Split();
      const StatsPipe* partial = lead_split.remote ? PipeAs<StatsPipe>(*lead_split.remote) : nullptr;
      if (partial && partial->mode == StatsMode::kRemote && lead_split.local) {
        lead_stats = partial;
        merge_half = std::move(lead_split.local);
      }
    }
  }
  if (lead_stats) stats = std::make_unique<WorkerStats>(*lead_stats, *pipes[in_worker], &memory);
  // The rest of the chain, built back to front.
  std::vector<std::unique_ptr<Processor>> chain;
  chain.push_back(MakeSinkProcessor(&sink));
  for (size_t i = pipes.size(); i-- > in_worker + (stats && !merge_half ? 1 : 0);) {
    const Pipe& p = i == in_worker && merge_half ? *merge_half : *pipes[i];
    chain.push_back(p.MakeProcessor(chain.back().get(), &memory));
  }
  Processor* head = chain.back().get();

  const NeededFields need = ComputeNeeded(query);
  const bool header_stats = stats && in_worker == 0 && lead_stats->UsesHeadersOnly();
  std::mutex mu;
  std::atomic<bool> stop{false};
  const Filter& filter = query.filter();
  const bool decided_by_search = filter.DecidedBySearch();

  Status st;
  if (spec.min_timestamp <= spec.max_timestamp) {
    BlockVisitor visit = [&](BlockView& block) -> bool {
      if (stop.load(std::memory_order_relaxed)) return false;
      if (cancelled && cancelled->load(std::memory_order_relaxed)) return false;
      counters->read.fetch_add(1, std::memory_order_relaxed);
      const size_t n = block.rows_count();
      if (n == 0) return true;
      // Blocks inside the search's time range are wholly selected when the search alone decides
      // the filter (`*`, top-level time and stream filters): no bitmap at all.
      const bool whole = decided_by_search && !topn && block.min_timestamp() >= spec.min_timestamp &&
                         block.max_timestamp() <= spec.max_timestamp;
      Bitmap bm;
      size_t selected = n;
      if (!whole) {
        bm.assign(n, 1);
        BlockSource src(block);
        filter.Eval(src, &bm);
        if (topn) {
          selected = topn->Offer(block.timestamps().data(), &bm);
        } else {
          selected = static_cast<size_t>(std::count(bm.begin(), bm.end(), uint8_t{1}));
        }
      }
      if (selected == 0) return true;
      if (whole && header_stats) {
        // `stats count()`, `min(_time)`...: the block header answers; no column is read.
        stats->UpdateFromHeader(n, block.min_timestamp(), block.max_timestamp());
        return true;
      }
      ResultBlock rb = BuildResult(block, whole ? nullptr : &bm, selected, need);
      for (size_t i = 0; i < in_worker && rb.rows > 0; ++i) rb = pipes[i]->Apply(std::move(rb));
      if (rb.rows == 0) return true;
      if (stats) {
        if (stats->Update(rb)) return true;
        stop.store(true);
        return false;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (stop.load()) return false;
      if (!head->Push(std::move(rb))) {
        stop.store(true);
        return false;
      }
      return true;
    };
    st = data.Search(spec, visit, /*parallel=*/true);
  }
  if (cancelled && cancelled->load()) return Status::Cancelled("query cancelled");
  VL_RETURN_IF_ERROR(memory.status());
  if (!st.ok() && !(stop.load() && st.code() == Status::Code::kCancelled)) return st;
  std::lock_guard<std::mutex> lock(mu);
  if (stats) stats->Finish(head, merge_half != nullptr);
  head->Flush();
  return memory.status();
}

}  // namespace

SearchSpec MakeSearchSpec(TenantID tenant, const Query& query, const std::atomic<bool>* cancelled) {
  SearchSpec spec;
  spec.tenant = tenant;
  spec.cancelled = cancelled;
  spec.max_workers = query.options().concurrency;
  const Filter& root = query.filter();
  SearchNarrowing n;
  root.NarrowSearch(&n);
  spec.min_timestamp = n.min_ts;
  spec.max_timestamp = n.max_ts;
  if (!n.streams.empty()) {
    spec.stream_filter = [streams = n.streams](const StreamTags& tags) {
      for (const auto* s : streams) {
        if (!s->Matches(tags)) return false;
      }
      return true;
    };
    for (const auto* s : n.streams) s->RequiredLabels(&spec.stream_label_equals);
  }
  if (n.has_stream_ids) spec.stream_ids = std::move(n.stream_ids);
  // Block headers (bloom filters, min/max, time bounds) are asked before any column is read.
  spec.block_filter = [&root](BlockView& b) {
    BlockSource src(b);
    return root.MayMatchBlock(src);
  };
  return spec;
}

namespace {

// The distinct non-empty values of one field, in first-seen order.
class ValuesSink : public ResultSink {
 public:
  explicit ValuesSink(std::string field) : field_(std::move(field)) {}
  bool Write(const ResultBlock& block) override {
    const ResultColumn* c = block.Find(field_);
    if (!c) return true;
    for (size_t i = 0; i < c->rows(); ++i) {
      const std::string_view v = c->at(i);
      if (!v.empty() && seen_.emplace(v).second) values_.emplace_back(v);
    }
    return true;
  }
  std::vector<std::string> Take() { return std::move(values_); }

 private:
  std::string field_;
  std::unordered_set<std::string> seen_;
  std::vector<std::string> values_;
};

}  // namespace

namespace {

// Every block of a subquery's result, kept for the pipe that asked for it.
class BlocksSink : public ResultSink {
 public:
  bool Write(const ResultBlock& block) override {
    blocks_.push_back(block);
    return true;
  }
  std::vector<ResultBlock> Take() { return std::move(blocks_); }

 private:
  std::vector<ResultBlock> blocks_;
};

}  // namespace

Status ResolveSubqueries(Query& query, const SubqueryRunner& run) {
  for (auto& p : query.mutable_pipes()) {
    Query* sub = p->pending_subquery();
    if (!sub) continue;
    VL_RETURN_IF_ERROR(ResolveSubqueries(*sub, run));
    BlocksSink rows;
    VL_RETURN_IF_ERROR(run(*sub, rows));
    p->SetSubqueryRows(rows.Take());
  }
  return ForEachPendingSubquery(query, [&](Filter& f) -> Status {
    Query& sub = *f.mutable_pending_subquery();
    // Its own subqueries first.
    VL_RETURN_IF_ERROR(ResolveSubqueries(sub, run));
    const std::string field = SubqueryValueField(sub);
    ValuesSink values(field);
    VL_RETURN_IF_ERROR(run(sub, values));
    f.ResolveSubquery(values.Take());
    return Status::OK();
  });
}

PipeRunner::PipeRunner(const std::vector<std::unique_ptr<Pipe>>& pipes, ResultSink& sink) {
  chain_.push_back(MakeSinkProcessor(&sink));
  for (size_t i = pipes.size(); i-- > 0;) chain_.push_back(pipes[i]->MakeProcessor(chain_.back().get(), &memory_));
}

PipeRunner::~PipeRunner() = default;

bool PipeRunner::Push(ResultBlock&& block) {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_) return false;
  if (!chain_.back()->Push(std::move(block))) done_ = true;
  return !done_;
}

Status PipeRunner::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  VL_RETURN_IF_ERROR(memory_.status());
  chain_.back()->Flush();
  return memory_.status();
}

namespace {
Status ExecutePlanned(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                      const std::atomic<bool>* cancelled, QueryStats* stats);
}  // namespace

Status ExecuteQuery(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                    const std::atomic<bool>* cancelled) {
  return ExecuteQuery(data, tenant, query, sink, cancelled, nullptr);
}

Status ExecuteQuery(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                    const std::atomic<bool>* cancelled, QueryStats* stats) {
  if (HasPendingSubqueries(query)) {
    auto resolved = query.Clone();
    VL_RETURN_IF_ERROR(ResolveSubqueries(*resolved, [&](const Query& sub, ResultSink& out) {
      return ExecuteQuery(data, tenant, sub, out, cancelled);
    }));
    return ExecuteQuery(data, tenant, *resolved, sink, cancelled, stats);
  }
  std::unique_ptr<Query> planned = PlanQuery(query);
  // Pipes that query while they run (stream_context) query this data.
  for (auto& p : planned->mutable_pipes()) {
    p->SetQueryRunner([&data, tenant, cancelled](const Query& q, ResultSink& out) {
      return ExecuteQuery(data, tenant, q, out, cancelled);
    });
  }
  return ExecutePlanned(data, tenant, *planned, sink, cancelled, stats);
}

namespace {

Status ExecutePlanned(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                      const std::atomic<bool>* cancelled, QueryStats* stats) {
  BlockCounters counters;
  SearchSpec spec = MakeSearchSpec(tenant, query, cancelled);
  std::unique_ptr<TimeTopN> topn = TimeTopN::ForQuery(query);
  if (topn) topn->Prime(data, spec, query);
  // Header checks (bloom filters, min/max, top-N) run before the visitor reads any column.
  spec.block_filter = [base = spec.block_filter, topn = topn.get(), &counters](BlockView& b) {
    bool pass = (!topn || topn->BlockMayEnter(b.min_timestamp(), b.max_timestamp())) &&
                (!base || base(b));
    if (!pass) counters.skipped.fetch_add(1, std::memory_order_relaxed);
    return pass;
  };
  Status st = RunRowsQuery(data, spec, query, sink, cancelled, topn.get(), &counters);
  counters.Publish();
  if (stats) {
    stats->blocks_read = counters.read.load();
    stats->blocks_skipped = counters.skipped.load();
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("query [{}]: blocks read {}, skipped {}", query.ToString(), counters.read.load(),
                  counters.skipped.load());
  }
  return st;
}

}  // namespace

}  // namespace vl::logsql
