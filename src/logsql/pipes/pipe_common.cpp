// What every pipe shares: needed-field sets, field patterns, row selection, default processors.
#include "vl/logsql/lexer.h"
#include "pipes.h"

namespace vl::logsql {

bool FieldMatches(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*') return name.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
  return pattern == name;
}

std::string FieldPatternString(const std::string& f) {
  if (!f.empty() && f.back() == '*') return QuoteIfNeeded(f.substr(0, f.size() - 1)) + "*";
  return QuoteIfNeeded(f);
}

std::string FieldListString(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ", ";
    out += FieldPatternString(fields[i]);
  }
  return out;
}

bool NeededFields::Wants(std::string_view name) const {
  if (all_) {
    for (const auto& p : except_) {
      if (FieldMatches(p, name)) return false;
    }
    return true;
  }
  for (const auto& p : patterns_) {
    if (FieldMatches(p, name)) return true;
  }
  return false;
}

void NeededFields::SetOnly(std::vector<std::string> patterns) {
  names_only = false;
  all_ = false;
  except_.clear();
  patterns_ = std::move(patterns);
}

void NeededFields::Add(std::string_view pattern) {
  names_only = false;
  if (all_) {
    // Wanted again: drop the exclusions it covers.
    std::erase_if(except_, [&](const std::string& e) { return FieldMatches(pattern, e) || e == pattern; });
    return;
  }
  for (const auto& p : patterns_) {
    if (p == pattern) return;
  }
  patterns_.emplace_back(pattern);
}

void NeededFields::Remove(std::string_view name) {
  if (all_) {
    for (const auto& e : except_) {
      if (e == name) return;
    }
    except_.emplace_back(name);
    return;
  }
  std::erase_if(patterns_, [&](const std::string& p) { return p == name; });
}

ResultBlock SelectRows(const ResultBlock& block, const std::vector<uint8_t>& bm) {
  ResultBlock out;
  size_t n = 0;
  for (size_t i = 0; i < block.rows; ++i) n += bm[i] ? 1 : 0;
  out.rows = n;
  out.columns.reserve(block.columns.size());
  for (const auto& c : block.columns) out.columns.push_back(c.Select(bm, n));
  return out;
}

namespace {

class RowWiseProcessor : public Processor {
 public:
  RowWiseProcessor(const Pipe& pipe, Processor* next) : pipe_(pipe), next_(next) {}
  bool Push(ResultBlock&& b) override {
    ResultBlock out = pipe_.Apply(std::move(b));
    if (out.rows == 0) return true;
    return next_->Push(std::move(out));
  }
  bool Flush() override { return next_->Flush(); }

 private:
  const Pipe& pipe_;
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

bool Processor::PushStates(StatsState&& states) { return Push(states.ExportStates()); }

std::unique_ptr<Processor> MakeRowWiseProcessor(const Pipe& pipe, Processor* next) {
  return std::make_unique<RowWiseProcessor>(pipe, next);
}

std::unique_ptr<Processor> Pipe::MakeProcessor(Processor* next, QueryMemory*) const { return MakeRowWiseProcessor(*this, next); }

PipeSplit Pipe::Split() const {
  PipeSplit s;
  if (IsRowWise()) {
    // Each node applies it to its own rows, nothing left for the router.
    s.remote = Clone();
    return s;
  }
  s.local = Clone();
  s.stops_pushdown = true;
  return s;
}

namespace {
std::atomic<size_t> default_query_memory{size_t{1} << 30};
}  // namespace

void QueryMemory::SetDefaultLimit(size_t bytes) { default_query_memory.store(bytes); }
size_t QueryMemory::DefaultLimit() { return default_query_memory.load(); }

bool QueryMemory::Update(const Pipe& pipe, size_t* held, size_t bytes) {
  const size_t total = bytes >= *held ? used_.fetch_add(bytes - *held) + (bytes - *held)
                                      : used_.fetch_sub(*held - bytes) - (*held - bytes);
  *held = bytes;
  if (total <= limit_) return true;
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.ok()) {
    const std::string amount = limit_ >= (size_t{1} << 20) ? std::to_string(limit_ >> 20) + "MB"
                                                           : std::to_string(limit_ >> 10) + "KB";
    status_ = Status::ResourceExhausted("cannot calculate [" + pipe.String() + "], since it requires more than " +
                                        amount + " of memory (the query's budget, set by -memory.allowedBytes / "
                                        "-memory.allowedPercent)");
  }
  return false;
}

void QueryMemory::Fail(Status s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.ok()) status_ = std::move(s);
}

Status QueryMemory::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

std::unique_ptr<Processor> MakeSinkProcessor(ResultSink* sink) { return std::make_unique<SinkProcessor>(sink); }

}  // namespace vl::logsql
