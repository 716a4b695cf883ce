// /select/logsql/stats_query (a Prometheus instant vector, for vmalert) and stats_query_range (a
// Prometheus matrix, for Grafana): each result row gives one sample per result column, labelled
// by the last `stats` pipe's by-fields.
#include <algorithm>
#include <cmath>
#include <map>

#include "select_common.h"
#include "vl/common/time_util.h"
#include "vl/logsql/stats_query.h"

namespace vl::http {

namespace {

// Seconds as Prometheus clients read timestamps: an integer, or with the fraction it has.
std::string PromTimestamp(int64_t ns) {
  const int64_t ms = ns / 1'000'000 - (ns % 1'000'000 < 0 ? 1 : 0);
  std::string out = std::to_string(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int64_t frac = ((ms % 1000) + 1000) % 1000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), ".%03d", static_cast<int>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

bool IsLabel(const std::vector<std::string>& labels, const std::string& name) {
  return std::find(labels.begin(), labels.end(), name) != labels.end();
}

// `{"__name__":"c","level":"info"}` for a row's column: the labels it has, in label order.
std::string MetricJson(const logsql::ResultBlock& b, size_t r, const std::string& name,
                       const std::vector<std::string>& labels) {
  std::string out = "{\"__name__\":";
  logsql::AppendJsonString(name, &out);
  for (const auto& l : labels) {
    const auto* c = b.Find(l);
    if (!c || c->at(r).empty()) continue;
    out += ',';
    logsql::AppendJsonString(l, &out);
    out += ':';
    logsql::AppendJsonString(c->at(r), &out);
  }
  out += '}';
  return out;
}

// Runs a stats query; the labels come from the (rewritten) query. False after answering.
bool RunStats(const RouterOptions& options, Request& req, ResponseWriter& w, select::QueryRequest* request,
              int64_t step_ns, std::vector<std::string>* labels, CollectingSink* rows) {
  auto scope = SelectScope::Enter(options, req, w);
  if (!scope.ok()) {
    SendPromError(w, scope.status());
    return false;
  }
  request->limit = 0;
  request->rewrite = [step_ns, labels](std::unique_ptr<logsql::Query>* q) -> Status {
    if (step_ns > 0) {
      VL_RETURN_IF_ERROR(logsql::RewriteForStatsRange(q->get(), step_ns, 0));
    }
    auto l = logsql::StatsQueryLabels(**q);
    if (!l.ok()) return l.status();
    *labels = *l;
    return Status::OK();
  };
  return RunSelect(options, *request, **scope, *rows, w, /*prom_errors=*/true);
}

// The rows must keep every label (by-field) and at least one result column, or the samples
// would be series without their labels. Empty when they do.
std::string CheckSeriesShape(const CollectingSink& rows, const std::vector<std::string>& labels) {
  std::string problem;
  rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
    if (!problem.empty() || r > 0) return;
    size_t metrics = 0;
    for (const auto& c : b.columns) metrics += !IsLabel(labels, c.name) && c.name != "_time";
    for (const auto& l : labels) {
      if (l != "_time" && !b.Find(l)) problem = "the pipes after the last `stats` pipe must keep its by-field `" + l + "`";
    }
    if (problem.empty() && metrics == 0) problem = "the query must leave at least one result column besides the by-fields";
  });
  return problem;
}

}  // namespace

void HandleStatsQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) return SendPromError(w, request.status());
  std::vector<std::string> labels;
  CollectingSink rows;
  if (!RunStats(options, req, w, &*request, 0, &labels, &rows)) return;
  if (std::string p = CheckSeriesShape(rows, labels); !p.empty()) return SendPromError(w, Status::InvalidArgument(p));
  const std::string ts = PromTimestamp(request->now_ns);
  std::string out = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[";
  bool first = true;
  rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
    for (const auto& c : b.columns) {
      if (IsLabel(labels, c.name)) continue;
      if (!first) out += ',';
      first = false;
      out += "{\"metric\":" + MetricJson(b, r, c.name, labels) + ",\"value\":[" + ts + ",";
      logsql::AppendJsonString(c.at(r), &out);
      out += "]}";
    }
  });
  out += "]}}";
  w.Send(200, "application/json", out);
}

void HandleStatsQueryRange(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) return SendPromError(w, request.status());
  auto step = DurationArg(req, "step", 86400LL * 1'000'000'000);
  if (!step.ok()) return SendPromError(w, step.status());
  if (*step <= 0) return SendPromError(w, Status::InvalidArgument("`step` arg must be positive"));
  std::vector<std::string> labels;
  CollectingSink rows;
  if (!RunStats(options, req, w, &*request, *step, &labels, &rows)) return;
  if (std::string p = CheckSeriesShape(rows, labels); !p.empty()) return SendPromError(w, Status::InvalidArgument(p));
  std::erase(labels, "_time");
  // metric -> (bucket start ns -> value)
  std::map<std::string, std::map<int64_t, std::string>> series;
  rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
    const auto* t = b.Find("_time");
    int64_t ts = 0;
    if (!t || !ParseRFC3339(t->at(r), &ts)) return;
    for (const auto& c : b.columns) {
      if (c.name == "_time" || IsLabel(labels, c.name)) continue;
      series[MetricJson(b, r, c.name, labels)][ts] = std::string(c.at(r));
    }
  });
  std::string out = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[";
  size_t i = 0;
  for (const auto& [metric, points] : series) {
    if (i++) out += ',';
    out += "{\"metric\":" + metric + ",\"values\":[";
    size_t k = 0;
    for (const auto& [ts, v] : points) {
      if (k++) out += ',';
      out += "[" + PromTimestamp(ts) + ",";
      logsql::AppendJsonString(v, &out);
      out += "]";
    }
    out += "]}";
  }
  out += "]}}";
  w.Send(200, "application/json", out);
}

}  // namespace vl::http
