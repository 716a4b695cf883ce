// Internal: what every /select/logsql/* handler shares: argument parsing, the request's slot
// among -search.maxConcurrentRequests, its deadline and cancellation, collecting result rows,
// and the one mapping from errors to HTTP answers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vl/http/router.h"
#include "vl/logsql/result.h"
#include "vl/select/query_runner.h"

namespace vl::http {

// HTTP status for an error: 400 bad input or over the memory budget, 502 a storage node down,
// 503 out of time (query timeout, queue wait), 500 otherwise.
int HttpStatusFor(const Status& s);
// Plain-text error answer (the generic form).
void SendError(ResponseWriter& w, const Status& s);
// Prometheus-style JSON error answer (stats endpoints): 422 for bad queries.
void SendPromError(ResponseWriter& w, const Status& s);

// A running select request: holds a slot (waiting up to -search.maxQueueDuration for one), and
// cancels the query when its deadline (-search.maxQueryDuration, or the smaller `timeout` arg)
// passes or the client goes away.
class SelectScope {
 public:
  // `limited` = false for /tail, which takes no slot and has no deadline.
  static Result<std::unique_ptr<SelectScope>> Enter(const RouterOptions& options, const Request& req,
                                                    ResponseWriter& w, bool limited = true);
  ~SelectScope();
  SelectScope(const SelectScope&) = delete;
  SelectScope& operator=(const SelectScope&) = delete;

  const std::atomic<bool>* cancelled() const { return &cancelled_; }
  void Cancel() { cancelled_.store(true); }
  std::atomic<bool>* cancel_flag() { return &cancelled_; }
  bool timed_out() const { return timed_out_.load(); }
  // The status to report for a query that ended with `s`: DeadlineExceeded when it was
  // cancelled by its deadline.
  Status Explain(Status s) const;

 private:
  friend class QueryWatcher;
  SelectScope() = default;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> timed_out_{false};
  int64_t deadline_ns_ = 0;  // steady clock; 0 = none
  int64_t timeout_ms_ = 0;
  ResponseWriter* writer_ = nullptr;
  bool holds_slot_ = false;
};

// Parses the common select arguments (query, start, end, time, limit, tenant, partial-response
// flags); reads a form body first for POST.
Result<select::QueryRequest> ParseSelectRequest(const RouterOptions& options, Request& req, BodyReader& body,
                                                ResponseWriter& w);
// A duration argument (`30s`, `1h`, or plain seconds) in ns; `def` when absent.
Result<int64_t> DurationArg(const Request& req, std::string_view name, int64_t def);
// A non-negative integer argument; `def` when absent.
Result<uint64_t> UintArg(const Request& req, std::string_view name, uint64_t def);

// A duration as LogsQL writes one (`3600s`, `250ms`).
std::string DurationLiteral(int64_t ns);
// A field name quoted for LogsQL text.
std::string QuotedName(const std::string& name);

// Keeps every result block (answers that are shaped after the query ends).
class CollectingSink : public logsql::ResultSink {
 public:
  bool Write(const logsql::ResultBlock& block) override;
  // Calls fn(block, row) for every row.
  template <typename Fn>
  void ForEachRow(Fn&& fn) const {
    for (const auto& b : blocks_) {
      for (size_t r = 0; r < b.rows; ++r) fn(b, r);
    }
  }

 private:
  std::mutex mu_;
  std::vector<logsql::ResultBlock> blocks_;
};

// Runs the request into `sink` under a scope; on failure answers the client (plain-text or
// Prometheus error) and returns false.
bool RunSelect(const RouterOptions& options, const select::QueryRequest& request, SelectScope& scope,
               logsql::ResultSink& sink, ResponseWriter& w, bool prom_errors = false);

// A `{"values":[{"value":...,"hits":N},...]}` answer from rows of (value column, hits column),
// ordered by hits desc then value.
void SendValuesWithHits(ResponseWriter& w, std::vector<std::pair<std::string, uint64_t>> values);

}  // namespace vl::http
