#include "vl/logsql/executor.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_eval.h"
#include "block_source.h"
#include "exec_fast.h"

namespace vl::logsql {

namespace {

// Which columns the pipe chain can observe.
struct NeededColumns {
  bool all = true;
  std::vector<std::string> patterns;
  bool Wants(const std::string& name) const {
    if (all) return true;
    for (const auto& p : patterns) {
      if (FieldMatches(p, name)) return true;
    }
    return false;
  }
};

void CollectFilterFields(const Filter& f, std::vector<std::string>* out) {
  if (f.kind == FilterKind::kStream) out->push_back("_stream");
  if (f.kind == FilterKind::kTime) out->push_back("_time");
  if (f.kind != FilterKind::kAnd && f.kind != FilterKind::kOr && f.kind != FilterKind::kNot &&
      f.kind != FilterKind::kMatchAll) {
    out->push_back(f.field);
  }
  for (const auto& c : f.children) CollectFilterFields(*c, out);
}

NeededColumns ComputeNeeded(const Query& q) {
  NeededColumns n;
  std::vector<std::string> extra;
  for (const auto& p : q.pipes()) {
    switch (p->kind) {
      case PipeKind::kLimit:
      case PipeKind::kOffset:
        break;
      case PipeKind::kFilter:
        CollectFilterFields(*p->filter, &extra);
        break;
      case PipeKind::kSort:
        return n;  // sort outputs every column
      case PipeKind::kFields:
        n.all = false;
        n.patterns = p->fields;
        n.patterns.insert(n.patterns.end(), extra.begin(), extra.end());
        return n;
      case PipeKind::kStats:
        for (const auto& f : p->funcs) {
          if (f.func != "count" && f.fields.empty()) return n;  // needs all fields
          if (f.func == "count_uniq" && f.fields.empty()) return n;
        }
        n.all = false;
        n.patterns = p->by;
        for (const auto& f : p->funcs) n.patterns.insert(n.patterns.end(), f.fields.begin(), f.fields.end());
        n.patterns.insert(n.patterns.end(), extra.begin(), extra.end());
        return n;
    }
  }
  return n;
}

ResultBlock BuildResult(BlockView& block, const Bitmap& bm, size_t selected, const NeededColumns& need) {
  ResultBlock out;
  out.rows = selected;
  const size_t n = block.rows_count();
  auto add_const = [&](const char* name, const std::string& v) {
    out.columns.push_back(ResultColumn{name, std::vector<std::string>(selected, v)});
  };
  if (need.Wants("_time")) {
    ResultColumn c{"_time", {}};
    c.values.resize(selected);
    auto ts = block.timestamps();
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      if (bm[i]) AppendRFC3339Nano(ts[i], &c.values[k++]);
    }
    out.columns.push_back(std::move(c));
  }
  if (need.Wants("_stream_id")) add_const("_stream_id", block.stream_id().ToString());
  if (need.Wants("_stream")) add_const("_stream", block.stream_tags().ToString());
  auto add_col = [&](const std::string& name) {
    const ColumnValues* vals = block.column(name);
    if (!vals) return;
    ResultColumn c{name, {}};
    c.values.reserve(selected);
    for (size_t i = 0; i < n; ++i) {
      if (bm[i]) c.values.emplace_back((*vals)[i]);
    }
    out.columns.push_back(std::move(c));
  };
  if (need.Wants("_msg")) add_col("_msg");
  for (const auto& name : block.column_names()) {
    if (name != "_msg" && need.Wants(name)) add_col(name);
  }
  return out;
}

// The general path: filter each block, materialize the selected rows, feed the pipe chain.
Status RunRowsQuery(const Searchable& data, const SearchSpec& spec, const Query& query,
                    ResultSink& sink, const std::atomic<bool>* cancelled, TimeTopN* topn,
                    BlockCounters* counters) {
  // Build the pipe chain back to front.
  std::vector<std::unique_ptr<Processor>> chain;
  chain.push_back(MakeSinkProcessor(&sink));
  const auto& pipes = query.pipes();
  for (size_t i = pipes.size(); i-- > 0;) chain.push_back(MakeProcessor(*pipes[i], chain.back().get()));
  Processor* head = chain.back().get();

  const NeededColumns need = ComputeNeeded(query);
  std::mutex mu;
  std::atomic<bool> stop{false};
  const Filter& filter = query.filter();

  Status st;
  if (spec.min_timestamp <= spec.max_timestamp) {
    BlockVisitor visit = [&](BlockView& block) -> bool {
      if (stop.load(std::memory_order_relaxed)) return false;
      if (cancelled && cancelled->load(std::memory_order_relaxed)) return false;
      counters->read.fetch_add(1, std::memory_order_relaxed);
      const size_t n = block.rows_count();
      if (n == 0) return true;
      Bitmap bm(n, 1);
      {
        BlockSource src(block);
        EvalFilter(filter, src, &bm);
      }
      size_t selected = 0;
      if (topn) {
        selected = topn->Offer(block.timestamps().data(), &bm);
      } else {
        for (uint8_t b : bm) selected += b;
      }
      if (selected == 0) return true;
      ResultBlock rb = BuildResult(block, bm, selected, need);
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
  if (!st.ok() && !(stop.load() && st.code() == Status::Code::kCancelled)) return st;
  std::lock_guard<std::mutex> lock(mu);
  head->Flush();
  return Status::OK();
}

// Appends the label="value" pairs every stream accepted by `s` carries: the plain equality
// matchers present in every OR-group. `label=""` is left out (it matches streams without the
// label, which no posting lists), and so are !=, =~ and !~: none pins a single value.
void RequiredStreamLabels(const StreamFilter& s, std::vector<std::pair<std::string, std::string>>* out) {
  if (s.or_groups.empty()) return;
  auto in_group = [](const std::vector<StreamMatcher>& g, const StreamMatcher& m) {
    for (const auto& x : g)
      if (x.op == StreamMatcher::Op::kEq && x.label == m.label && x.value == m.value) return true;
    return false;
  };
  for (const auto& m : s.or_groups[0]) {
    if (m.op != StreamMatcher::Op::kEq || m.value.empty()) continue;
    bool everywhere = true;
    for (size_t g = 1; g < s.or_groups.size() && everywhere; g++) everywhere = in_group(s.or_groups[g], m);
    if (everywhere) out->emplace_back(m.label, m.value);
  }
}

// The one stream id `f` can match, if `f` is `_stream_id:<id>` or `_stream_id:=<id>` (exact and
// case-sensitive). A phrase equals the whole value here: a stream id is a single word.
bool StreamIDOf(const Filter& f, StreamID* id) {
  if (f.field != "_stream_id" || f.case_insensitive) return false;
  if (f.kind != FilterKind::kExact && f.kind != FilterKind::kPhrase) return false;
  // Only the canonical spelling matches the canonical text the filter compares with.
  return StreamID::Parse(f.value, id) && id->ToString() == f.value;
}

// Fills `ids` with the stream ids a top-level filter allows: one `_stream_id` match or an
// `in(...)`/OR of them. False (ids untouched) when the filter does not restrict stream ids.
bool StreamIDsOf(const Filter& f, std::vector<StreamID>* ids) {
  std::vector<StreamID> found;
  StreamID id;
  if (StreamIDOf(f, &id)) {
    found.push_back(id);
  } else if (f.kind == FilterKind::kOr && !f.children.empty()) {
    for (const auto& c : f.children) {
      if (!StreamIDOf(*c, &id)) return false;
      found.push_back(id);
    }
  } else {
    return false;
  }
  *ids = std::move(found);
  return true;
}

}  // namespace

SearchSpec MakeSearchSpec(TenantID tenant, const Query& query, const std::atomic<bool>* cancelled) {
  SearchSpec spec;
  spec.tenant = tenant;
  spec.cancelled = cancelled;
  const Filter& root = query.filter();
  std::vector<const Filter*> top;
  if (root.kind == FilterKind::kAnd) {
    for (const auto& c : root.children) top.push_back(c.get());
  } else {
    top.push_back(&root);
  }
  std::vector<const StreamFilter*> streams;
  for (const Filter* f : top) {
    if (f->kind == FilterKind::kTime) {
      spec.min_timestamp = std::max(spec.min_timestamp, f->min_ts);
      spec.max_timestamp = std::min(spec.max_timestamp, f->max_ts);
    } else if (f->kind == FilterKind::kStream && !f->stream.MatchesAll()) {
      streams.push_back(&f->stream);
    }
  }
  if (!streams.empty()) {
    spec.stream_filter = [streams](const StreamTags& tags) {
      for (const auto* s : streams) {
        if (!s->Matches(tags)) return false;
      }
      return true;
    };
    for (const auto* s : streams) RequiredStreamLabels(*s, &spec.stream_label_equals);
  }
  for (const Filter* f : top) {
    if (StreamIDsOf(*f, &spec.stream_ids)) break;  // one such filter is enough to narrow
  }
  std::vector<std::pair<std::string, std::string>> tokens;
  RequiredTokens(root, &tokens);
  std::vector<const Filter*> ranges;
  for (const Filter* f : top) {
    if (f->kind == FilterKind::kRange && !f->range_string) ranges.push_back(f);
  }
  if (!tokens.empty() || !ranges.empty()) {
    spec.block_filter = [tokens = std::move(tokens), ranges = std::move(ranges)](BlockView& b) {
      for (const Filter* f : ranges) {
        double lo, hi;
        if (b.NumericRange(f->field, &lo, &hi) && (hi < f->range_min || lo > f->range_max)) return false;
      }
      for (const auto& [field, tok] : tokens) {
        if (!b.MayContainToken(field, tok)) return false;
      }
      return true;
    };
  }
  return spec;
}

PipeRunner::PipeRunner(const std::vector<std::unique_ptr<PipeSpec>>& pipes, ResultSink& sink) {
  chain_.push_back(MakeSinkProcessor(&sink));
  for (size_t i = pipes.size(); i-- > 0;) chain_.push_back(MakeProcessor(*pipes[i], chain_.back().get()));
}

PipeRunner::~PipeRunner() = default;

bool PipeRunner::Push(ResultBlock&& block) {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_) return false;
  if (!chain_.back()->Push(std::move(block))) done_ = true;
  return !done_;
}

void PipeRunner::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  chain_.back()->Flush();
}

Status ExecuteQuery(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                    const std::atomic<bool>* cancelled) {
  return ExecuteQuery(data, tenant, query, sink, cancelled, nullptr);
}

Status ExecuteQuery(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
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
  Status st = IsCountOnlyQuery(query)
                  ? RunCountQuery(data, spec, query, sink, cancelled, &counters)
                  : RunRowsQuery(data, spec, query, sink, cancelled, topn.get(), &counters);
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

}  // namespace vl::logsql
