#include "vl/logsql/executor.h"

#include <mutex>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_eval.h"

namespace vl::logsql {

namespace {

// Filter evaluation over one storage block.
class BlockSource : public EvalSource {
 public:
  explicit BlockSource(BlockView& b) : b_(b), n_(b.rows_count()) {}
  size_t rows() const override { return n_; }

  FieldValues Get(std::string_view field) override {
    FieldValues fv;
    if (field == "_stream") {
      if (stream_.empty()) stream_ = b_.stream_tags().ToString();
      fv.constant = stream_;
    } else if (field == "_stream_id") {
      if (stream_id_.empty()) stream_id_ = b_.stream_id().ToString();
      fv.constant = stream_id_;
    } else if (field == "_time") {
      if (time_views_.empty() && n_ > 0) {
        auto ts = b_.timestamps();
        time_strs_.resize(n_);
        time_views_.resize(n_);
        for (size_t i = 0; i < n_; ++i) {
          AppendRFC3339Nano(ts[i], &time_strs_[i]);
          time_views_[i] = time_strs_[i];
        }
      }
      fv.values = time_views_.empty() ? nullptr : time_views_.data();
    } else if (const ColumnValues* c = b_.column(field)) {
      fv.values = c->data();
    }
    return fv;
  }
  bool MayContainToken(std::string_view field, std::string_view token) override {
    return b_.MayContainToken(field, token);
  }
  const int64_t* timestamps() override { return b_.timestamps().data(); }
  std::optional<std::pair<int64_t, int64_t>> time_bounds() override {
    return std::make_pair(b_.min_timestamp(), b_.max_timestamp());
  }
  const StreamTags* stream_tags() override { return &b_.stream_tags(); }

 private:
  BlockView& b_;
  size_t n_;
  std::string stream_, stream_id_;
  std::vector<std::string> time_strs_;
  std::vector<std::string_view> time_views_;
};

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
  }
  std::vector<std::pair<std::string, std::string>> tokens;
  RequiredTokens(root, &tokens);
  if (!tokens.empty()) {
    spec.block_filter = [tokens = std::move(tokens)](BlockView& b) {
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
  // Build the pipe chain back to front.
  std::vector<std::unique_ptr<Processor>> chain;
  chain.push_back(MakeSinkProcessor(&sink));
  const auto& pipes = query.pipes();
  for (size_t i = pipes.size(); i-- > 0;) chain.push_back(MakeProcessor(*pipes[i], chain.back().get()));
  Processor* head = chain.back().get();

  const NeededColumns need = ComputeNeeded(query);
  SearchSpec spec = MakeSearchSpec(tenant, query, cancelled);
  std::mutex mu;
  std::atomic<bool> stop{false};
  const Filter& filter = query.filter();

  Status st;
  if (spec.min_timestamp <= spec.max_timestamp) {
    BlockVisitor visit = [&](BlockView& block) -> bool {
      if (stop.load(std::memory_order_relaxed)) return false;
      if (cancelled && cancelled->load(std::memory_order_relaxed)) return false;
      const size_t n = block.rows_count();
      if (n == 0) return true;
      Bitmap bm(n, 1);
      {
        BlockSource src(block);
        EvalFilter(filter, src, &bm);
      }
      size_t selected = 0;
      for (uint8_t b : bm) selected += b;
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

}  // namespace vl::logsql
