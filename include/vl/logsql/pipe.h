// LogsQL pipes: each pipe kind is one class (src/logsql/pipes/, one file each) behind a registry
// of names the parser looks up. A pipe knows its canonical text, which fields it reads, how it
// splits between storage nodes and a router, and builds the processor that runs it.
#pragma once

#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/logsql/filter.h"
#include "vl/logsql/result.h"

namespace vl::logsql {

// The fields a stage of the chain can observe, computed back to front: every pipe turns what
// its downstream needs into what it needs from upstream. Patterns ending in `*` are prefixes.
class NeededFields {
 public:
  // Everything (the state at the end of a chain: the client sees all fields).
  NeededFields() = default;

  bool all() const { return all_; }
  bool Wants(std::string_view name) const;
  // Only these (plus nothing else): `fields a, b*`, `stats by (a) count(b)`.
  void SetOnly(std::vector<std::string> patterns);
  // Also this one (a pattern or exact name): a pipe reads it.
  void Add(std::string_view pattern);
  // No longer this exact name: a pipe writes it without reading it.
  void Remove(std::string_view name);
  void SetAll() { *this = NeededFields(); }
  void SetNamesOnly() {
    SetAll();
    names_only = true;
  }
  // When !all(): the wanted patterns.
  const std::vector<std::string>& patterns() const { return patterns_; }

  // Some stage reads values as numbers: numerically stored columns then also carry them.
  bool numbers = false;
  // Only which fields a block stores matters, not their values (`field_names`, whose hits are
  // the rows of the blocks that store a field, as VictoriaLogs estimates them): storage then
  // reports each stored column as present in every row, without decoding it. Any stage that
  // reads a field (Add, SetOnly) clears it.
  bool names_only = false;

 private:
  bool all_ = true;
  std::vector<std::string> patterns_;  // when !all_: the wanted ones
  std::vector<std::string> except_;    // when all_: the unwanted ones
};

class StatsState;

// One stage of a running pipe chain. Calls are serialized by the executor.
class Processor {
 public:
  virtual ~Processor() = default;
  // Returns false once no more input is wanted (limit reached, sink stopped).
  virtual bool Push(ResultBlock&& block) = 0;
  // Partial stats states merged by the search workers, for a stage that merges partial states
  // (a router's half of stats, top, uniq): taken over whole instead of exported and re-read.
  // The default pushes them exported.
  virtual bool PushStates(StatsState&& states);
  // End of input: emit buffered state downstream, then flush downstream.
  virtual bool Flush() = 0;
};

class Pipe;

// Memory held by the stateful pipes of one query (stats, sort, uniq, top, ...), charged against
// one budget: the query fails with an error naming the pipe that went over, and nothing else
// (the node, other queries) is affected. The default budget is set from `-memory.allowedBytes`
// / `-memory.allowedPercent`.
class QueryMemory {
 public:
  QueryMemory() : limit_(DefaultLimit()) {}
  explicit QueryMemory(size_t limit) : limit_(limit) {}

  // `pipe` now holds `bytes` where it held `*held` before (updated). False once the query's total
  // is over the budget; status() then says so, naming the pipe (its String(), asked only then).
  bool Update(const Pipe& pipe, size_t* held, size_t bytes);
  // A pipe's own reason to fail the query (not memory), e.g. stream_context's row limits.
  void Fail(Status s);
  Status status() const;
  size_t limit() const { return limit_; }

  static void SetDefaultLimit(size_t bytes);
  static size_t DefaultLimit();

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
  mutable std::mutex mu_;
  Status status_;
};

class Pipe;
class Query;

// Runs a query into a sink where the query runs (one node, or the whole cluster from a router).
using QueryRunner = std::function<Status(const Query& query, ResultSink& sink)>;

// How a pipe runs in a cluster when every pipe before it ran on the storage nodes.
struct PipeSplit {
  std::unique_ptr<Pipe> remote;  // nullptr = nothing pushed down
  std::unique_ptr<Pipe> local;   // nullptr = fully remote
  // True when later pipes can no longer run remotely (their input depends on the merge).
  bool stops_pushdown = false;
};

class Pipe {
 public:
  virtual ~Pipe() = default;

  // Canonical text; parsing it yields the same pipe.
  virtual std::string String() const = 0;
  virtual std::unique_ptr<Pipe> Clone() const = 0;
  // Turns the fields the stages after this one need into those this one needs from upstream.
  virtual void UpdateNeeded(NeededFields* needed) const = 0;

  // Row-wise pipes transform each block on its own, with no state, so they may run in the search
  // workers; Apply does it. Others run through MakeProcessor.
  virtual bool IsRowWise() const { return false; }
  virtual ResultBlock Apply(ResultBlock&& block) const { return std::move(block); }
  // The stage running this pipe, feeding `next`; `memory` is the query's budget for state. All
  // three (and the pipe) must outlive the processor.
  virtual std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const;

  // Default: the router runs it over the merged rows; nothing after it runs on the nodes.
  virtual PipeSplit Split() const;

  // The filter this pipe holds (`filter`, `if (...)` conditions), for subquery resolution.
  virtual Filter* mutable_filter() { return nullptr; }
  const Filter* filter() const { return const_cast<Pipe*>(this)->mutable_filter(); }

  // A query this pipe needs answered before the main one runs (`union (...)`, `join (...)`):
  // nullptr when it has none or has its rows already. The executor runs it (over the whole
  // cluster on a router) and hands over the result rows.
  virtual Query* pending_subquery() { return nullptr; }
  virtual void SetSubqueryRows(std::vector<ResultBlock> rows) {}
  // For pipes that run queries of their own while they run (`stream_context` reads the rows
  // around each match): how to run them. Called before the processor is made.
  virtual void SetQueryRunner(QueryRunner runner) {}

 protected:
  Pipe() = default;
  Pipe(const Pipe&) = default;
};

// Rows of `block` whose bit is set, all columns.
ResultBlock SelectRows(const ResultBlock& block, const std::vector<uint8_t>& bm);
// True when `name` matches a `fields` entry (exact, or prefix for entries ending in `*`).
bool FieldMatches(std::string_view pattern, std::string_view name);
// `name` quoted when needed, with a trailing `*` of a prefix pattern left bare.
std::string FieldPatternString(const std::string& pattern);
// Comma-separated FieldPatternString of each.
std::string FieldListString(const std::vector<std::string>& patterns);

// Terminal stage writing into `sink`.
std::unique_ptr<Processor> MakeSinkProcessor(ResultSink* sink);

}  // namespace vl::logsql
