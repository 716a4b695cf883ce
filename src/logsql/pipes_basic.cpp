// Stateless and counting pipes: limit, offset, fields, filter, and the sink stage.
#include <unordered_map>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_eval.h"
#include "vl/logsql/pipe.h"

namespace vl::logsql {

std::unique_ptr<Processor> MakeSortProcessor(const PipeSpec& spec, Processor* next);
std::unique_ptr<Processor> MakeStatsProcessor(const PipeSpec& spec, Processor* next);

namespace {

class LimitProcessor : public Processor {
 public:
  LimitProcessor(uint64_t n, Processor* next) : remaining_(n), next_(next) {}
  bool Push(ResultBlock&& b) override {
    if (remaining_ == 0) return false;
    if (b.rows > remaining_) {
      b.rows = remaining_;
      for (auto& c : b.columns) c = c.Slice(0, remaining_);
    }
    remaining_ -= b.rows;
    bool more = next_->Push(std::move(b));
    return more && remaining_ > 0;
  }
  bool Flush() override { return next_->Flush(); }

 private:
  uint64_t remaining_;
  Processor* next_;
};

class OffsetProcessor : public Processor {
 public:
  OffsetProcessor(uint64_t n, Processor* next) : skip_(n), next_(next) {}
  bool Push(ResultBlock&& b) override {
    if (skip_ >= b.rows) {
      skip_ -= b.rows;
      return true;
    }
    if (skip_ > 0) {
      for (auto& c : b.columns) c = c.Slice(skip_, b.rows);
      b.rows -= skip_;
      skip_ = 0;
    }
    return next_->Push(std::move(b));
  }
  bool Flush() override { return next_->Flush(); }

 private:
  uint64_t skip_;
  Processor* next_;
};

// Filter evaluation over a block of pipe results.
class ResultBlockSource : public EvalSource {
 public:
  explicit ResultBlockSource(const ResultBlock& b) : b_(b) {}
  size_t rows() const override { return b_.rows; }
  FieldValues Get(std::string_view field) override {
    FieldValues fv;
    const ResultColumn* c = b_.Find(field);
    if (!c) return fv;
    if (c->type() == ResultColumn::Type::kConst) {
      fv.constant = c->const_value();
      return fv;
    }
    std::string key(field);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      std::vector<std::string_view> vals(c->rows());
      for (size_t i = 0; i < vals.size(); ++i) vals[i] = c->at(i);
      it = cache_.emplace(key, std::move(vals)).first;
    }
    if (!it->second.empty()) fv.values = it->second.data();
    return fv;
  }
  const int64_t* timestamps() override {
    if (ts_.empty() && b_.rows > 0) {
      const ResultColumn* c = b_.Find("_time");
      if (!c) return nullptr;
      if (c->type() == ResultColumn::Type::kTimestamps) return c->timestamps().data();
      ts_.resize(b_.rows, INT64_MIN);
      for (size_t i = 0; i < b_.rows; ++i) {
        int64_t t;
        if (ParseRFC3339(c->at(i), &t)) ts_[i] = t;
      }
    }
    return ts_.data();
  }
  const StreamTags* stream_tags() override { return nullptr; }

 private:
  const ResultBlock& b_;
  std::unordered_map<std::string, std::vector<std::string_view>> cache_;
  std::vector<int64_t> ts_;
};

ResultBlock KeepFields(const std::vector<std::string>& fields, ResultBlock&& b) {
  ResultBlock out;
  out.rows = b.rows;
  std::vector<bool> used(b.columns.size(), false);
  for (const auto& f : fields) {
    bool wildcard = !f.empty() && f.back() == '*';
    bool found = false;
    for (size_t i = 0; i < b.columns.size(); ++i) {
      if (used[i] || !FieldMatches(f, b.columns[i].name)) continue;
      used[i] = true;
      found = true;
      out.columns.push_back(std::move(b.columns[i]));
    }
    if (!found && !wildcard) {
      bool dup = false;
      for (const auto& c : out.columns) dup |= c.name == f;
      if (!dup) out.columns.push_back(ResultColumn::Const(f, "", b.rows));
    }
  }
  return out;
}

ResultBlock FilterRows(const Filter& filter, ResultBlock&& b) {
  Bitmap bm(b.rows, 1);
  {
    ResultBlockSource src(b);
    filter.Eval(src, &bm);
  }
  return SelectRows(b, bm);
}

// `fields` and `filter`: each block on its own, no state.
class RowWiseProcessor : public Processor {
 public:
  RowWiseProcessor(const PipeSpec& spec, Processor* next) : spec_(spec), next_(next) {}
  bool Push(ResultBlock&& b) override {
    ResultBlock out = ApplyRowWise(spec_, std::move(b));
    if (out.rows == 0) return true;
    return next_->Push(std::move(out));
  }
  bool Flush() override { return next_->Flush(); }

 private:
  const PipeSpec& spec_;
  Processor* next_;
};

class SinkProcessor : public Processor {
 public:
  explicit SinkProcessor(ResultSink* sink) : sink_(sink) {}
  bool Push(ResultBlock&& b) override {
    if (stopped_) return false;
    if (b.rows == 0) return true;
    if (!sink_->Write(b)) stopped_ = true;
    return !stopped_;
  }
  bool Flush() override { return !stopped_; }

 private:
  ResultSink* sink_;
  bool stopped_ = false;
};

}  // namespace

bool IsRowWise(const PipeSpec& spec) { return spec.kind == PipeKind::kFields || spec.kind == PipeKind::kFilter; }

ResultBlock ApplyRowWise(const PipeSpec& spec, ResultBlock&& block) {
  if (spec.kind == PipeKind::kFields) return KeepFields(spec.fields, std::move(block));
  return FilterRows(*spec.filter, std::move(block));
}

std::unique_ptr<Processor> MakeProcessor(const PipeSpec& spec, Processor* next) {
  switch (spec.kind) {
    case PipeKind::kLimit: return std::make_unique<LimitProcessor>(spec.n, next);
    case PipeKind::kOffset: return std::make_unique<OffsetProcessor>(spec.n, next);
    case PipeKind::kFields: return std::make_unique<RowWiseProcessor>(spec, next);
    case PipeKind::kFilter: return std::make_unique<RowWiseProcessor>(spec, next);
    case PipeKind::kSort: return MakeSortProcessor(spec, next);
    case PipeKind::kStats: return MakeStatsProcessor(spec, next);
  }
  return nullptr;
}

std::unique_ptr<Processor> MakeSinkProcessor(ResultSink* sink) { return std::make_unique<SinkProcessor>(sink); }

}  // namespace vl::logsql
