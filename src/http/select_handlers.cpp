#include <spdlog/spdlog.h>

#include <charconv>
#include <mutex>

#include "vl/common/metrics.h"
#include "vl/common/time_util.h"
#include "vl/http/router.h"
#include "vl/logsql/executor.h"
#include "vl/select/query_runner.h"

namespace vl::http {

namespace {

// Writes result rows as JSON lines; a failed write means the client went away.
class JsonLinesSink : public logsql::ResultSink {
 public:
  explicit JsonLinesSink(ResponseWriter& w) : w_(w) {}

  bool Write(const logsql::ResultBlock& block) override {
    std::lock_guard<std::mutex> lock(mu_);
    buf_.clear();
    logsql::AppendJsonLines(block, &buf_);
    if (!w_.Write(buf_)) {
      client_gone_ = true;
      cancelled_.store(true);
    }
    return !client_gone_;
  }

  const std::atomic<bool>* cancelled() const { return &cancelled_; }

 private:
  ResponseWriter& w_;
  std::mutex mu_;
  std::string buf_;
  bool client_gone_ = false;
  std::atomic<bool> cancelled_{false};
};

Status ParseTimeArgInto(const Request& req, std::string_view name, int64_t now, std::optional<int64_t>* out) {
  std::string_view v = req.Arg(name);
  if (v.empty()) return Status::OK();
  int64_t ns;
  if (!ParseTimeArg(v, now, &ns)) {
    return Status::InvalidArgument("cannot parse `" + std::string(name) + "` arg \"" + std::string(v) + "\"");
  }
  *out = ns;
  return Status::OK();
}

Result<select::QueryRequest> ParseQueryRequest(const Request& req) {
  select::QueryRequest q;
  auto tenant = ParseTenant(req);
  if (!tenant.ok()) return tenant.status();
  q.tenant = *tenant;
  q.query = std::string(req.Arg("query"));
  std::string_view limit = req.Arg("limit");
  if (!limit.empty()) {
    auto [ptr, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), q.limit);
    if (ec != std::errc() || ptr != limit.data() + limit.size()) {
      return Status::InvalidArgument("cannot parse `limit` arg \"" + std::string(limit) + "\": want a non-negative integer");
    }
  }
  const int64_t now = NowNanos();
  VL_RETURN_IF_ERROR(ParseTimeArgInto(req, "start", now, &q.start));
  VL_RETURN_IF_ERROR(ParseTimeArgInto(req, "end", now, &q.end));
  std::optional<int64_t> eval_time;
  VL_RETURN_IF_ERROR(ParseTimeArgInto(req, "time", now, &eval_time));
  q.now_ns = eval_time.value_or(q.end.value_or(now));
  return q;
}

// 400 for bad queries and queries over their memory budget (retrying the same query cannot
// help), 502 when a storage node is down (the router is a gateway), else 500.
int HttpCodeFor(const Status& s) {
  if (s.code() == Status::Code::kInvalidArgument || s.code() == Status::Code::kResourceExhausted) return 400;
  if (s.code() == Status::Code::kUnavailable) return 502;
  return 500;
}

}  // namespace

void HandleLogsqlQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  Metrics& metrics = Metrics::Global();
  metrics.Counter("vl_queries_total")++;
  Status form = ParseForm(req, body);
  auto request = form.ok() ? ParseQueryRequest(req) : Result<select::QueryRequest>(form);
  if (!request.ok()) {
    metrics.Counter("vl_query_errors_total")++;
    w.Send(400, "text/plain; charset=utf-8", request.status().message() + "\n");
    return;
  }
  std::string_view partial = req.Arg("allow_partial_response");
  request->allow_partial = partial.empty() ? options.allow_partial_default : (partial == "1" || partial == "true");
  request->on_partial = [&w] { w.SetHeader("VL-Partial-Response", "true"); };
  w.SetHeader("Content-Type", "application/stream+json");
  w.SetHeader("Access-Control-Allow-Origin", "*");
  JsonLinesSink sink(w);
  Status s = select::RunQuery(*options.queries, *request, sink, sink.cancelled());
  if (s.ok() || s.code() == Status::Code::kCancelled) return;
  metrics.Counter("vl_query_errors_total")++;
  if (!w.headers_sent()) {
    w.SetStatus(HttpCodeFor(s));
    w.SetHeader("Content-Type", "text/plain; charset=utf-8");
    w.Write(s.message() + "\n");
  } else {
    spdlog::error("query [{}] failed after streaming started: {}", request->query, s.message());
    w.Write("\n" + s.message() + "\n");
  }
}

}  // namespace vl::http
