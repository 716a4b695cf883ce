#include "select_common.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <list>
#include <thread>

#include "vl/common/metrics.h"
#include "vl/common/time_util.h"
#include "vl/logsql/natural_order.h"

#include <simdjson.h>

namespace vl::http {

namespace {

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// -search.maxConcurrentRequests: running select requests; others wait for a slot.
class Slots {
 public:
  static Slots& Global() {
    static Slots s;
    return s;
  }
  bool Acquire(size_t limit, int64_t wait_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    if (limit == 0) limit = 1;
    Metrics::Global().Counter("vl_concurrent_select_capacity").store(limit);
    if (running_ >= limit) Metrics::Global().Counter("vl_concurrent_select_limit_reached_total")++;
    if (!cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return running_ < limit; })) {
      Metrics::Global().Counter("vl_concurrent_select_limit_timeout_total")++;
      return false;
    }
    ++running_;
    Metrics::Global().Counter("vl_concurrent_select_current").store(running_);
    return true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
    Metrics::Global().Counter("vl_concurrent_select_current").store(running_);
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t running_ = 0;
};

}  // namespace

// Looks at every running select request a few times a second: cancels those past their
// deadline and those whose client has gone away, so they stop using CPU.
class QueryWatcher {
 public:
  static QueryWatcher& Global() {
    static QueryWatcher* w = new QueryWatcher();  // lives as long as the process: no join at exit
    return *w;
  }
  void Add(SelectScope* s) {
    std::lock_guard<std::mutex> lock(mu_);
    scopes_.push_back(s);
  }
  void Remove(SelectScope* s) {
    std::lock_guard<std::mutex> lock(mu_);
    scopes_.remove(s);
  }

 private:
  QueryWatcher() {
    std::thread([this] { Loop(); }).detach();
  }
  void Loop() {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::lock_guard<std::mutex> lock(mu_);
      const int64_t now = SteadyNowNs();
      for (SelectScope* s : scopes_) {
        if (s->cancelled_.load()) continue;
        if (s->deadline_ns_ != 0 && now >= s->deadline_ns_) {
          s->timed_out_.store(true);
          s->cancelled_.store(true);
          Metrics::Global().Counter("vl_select_queries_timed_out_total")++;
        } else if (s->writer_ && s->writer_->ClientGone()) {
          s->cancelled_.store(true);
          Metrics::Global().Counter("vl_select_queries_cancelled_total")++;
        }
      }
    }
  }

  std::mutex mu_;
  std::list<SelectScope*> scopes_;
};

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kResourceExhausted: return 400;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kUnavailable: return 502;
    case Status::Code::kDeadlineExceeded: return 503;
    default: return 500;
  }
}

void SendError(ResponseWriter& w, const Status& s) {
  w.Send(HttpStatusFor(s), "text/plain; charset=utf-8", s.message() + "\n");
}

void SendPromError(ResponseWriter& w, const Status& s) {
  int code = HttpStatusFor(s);
  if (code == 400) code = 422;  // Prometheus clients expect 422 for bad queries
  std::string body = "{\"status\":\"error\",\"errorType\":\"" + std::to_string(code) + "\",\"error\":";
  logsql::AppendJsonString(s.message(), &body);
  body += "}";
  w.Send(code, "application/json", body);
}

Result<std::unique_ptr<SelectScope>> SelectScope::Enter(const RouterOptions& options, const Request& req,
                                                        ResponseWriter& w, bool limited) {
  std::unique_ptr<SelectScope> scope(new SelectScope());
  scope->writer_ = &w;
  if (limited) {
    auto timeout = DurationArg(req, "timeout", 0);
    if (!timeout.ok()) return timeout.status();
    if (!req.Arg("timeout").empty() && *timeout <= 0) {
      return Status::InvalidArgument("`timeout` arg must be positive; got \"" + std::string(req.Arg("timeout")) + "\"");
    }
    int64_t limit_ms = options.max_query_duration_ms;
    if (*timeout > 0 && (limit_ms <= 0 || *timeout / 1000000 < limit_ms)) limit_ms = std::max<int64_t>(1, *timeout / 1000000);
    scope->timeout_ms_ = limit_ms;
    if (!Slots::Global().Acquire(options.max_concurrent_requests, options.max_queue_duration_ms)) {
      return Status::DeadlineExceeded(
          "couldn't start executing the request in " + std::to_string(options.max_queue_duration_ms / 1000.0) +
          " seconds, since -search.maxConcurrentRequests=" + std::to_string(options.max_concurrent_requests) +
          " concurrent requests are executed; possible solutions: increase -search.maxQueueDuration or "
          "-search.maxConcurrentRequests, or reduce the query load");
    }
    scope->holds_slot_ = true;
    if (limit_ms > 0) scope->deadline_ns_ = SteadyNowNs() + limit_ms * 1000000;
  }
  QueryWatcher::Global().Add(scope.get());
  return scope;
}

SelectScope::~SelectScope() {
  QueryWatcher::Global().Remove(this);
  if (holds_slot_) Slots::Global().Release();
}

Status SelectScope::Explain(Status s) const {
  if (timed_out_.load() && (s.ok() || s.code() == Status::Code::kCancelled)) {
    return Status::DeadlineExceeded("the query did not finish in " + std::to_string(timeout_ms_ / 1000.0) +
                                    " seconds (the `timeout` arg or -search.maxQueryDuration)");
  }
  return s;
}

namespace {

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

void AppendQuoted(std::string_view v, std::string* out) {
  out->push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string RegexEscaped(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// An `extra_filters` / `extra_stream_filters` value as LogsQL: a JSON object of field -> value or
// list of values, or LogsQL text as it is.
Result<std::string> ExtraFilterText(const std::string& v, bool stream) {
  if (v.empty() || v[0] != '{') return v;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(v).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    if (stream) return v;  // a stream selector such as {app="x"}
    return Status::InvalidArgument("cannot parse extra filter " + v + ": want a JSON object or a LogsQL filter");
  }
  std::string out = stream ? "{" : "";
  bool first = true;
  for (auto [key, value] : doc.get_object()) {
    std::vector<std::string> values;
    if (value.is_array()) {
      for (auto item : value.get_array()) {
        std::string_view sv;
        if (item.get_string().get(sv) != simdjson::SUCCESS) {
          return Status::InvalidArgument("extra filter " + v + ": values must be strings");
        }
        values.emplace_back(sv);
      }
    } else {
      std::string_view sv;
      if (value.get_string().get(sv) != simdjson::SUCCESS) {
        return Status::InvalidArgument("extra filter " + v + ": values must be strings");
      }
      values.emplace_back(sv);
    }
    if (!first) out += stream ? "," : " ";
    first = false;
    if (stream) {
      out.append(key);
      if (values.size() == 1) {
        out += "=";
        AppendQuoted(values[0], &out);
      } else {
        std::string alt;
        for (size_t i = 0; i < values.size(); ++i) alt += (i ? "|" : "") + RegexEscaped(values[i]);
        out += "=~";
        AppendQuoted(alt, &out);
      }
    } else {
      AppendQuoted(key, &out);
      out += ":in(";
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) out += ",";
        AppendQuoted(values[i], &out);
      }
      out += ")";
    }
  }
  if (stream) out += "}";
  if (first && !stream) return std::string("*");
  return out;
}

}  // namespace

Result<int64_t> DurationArg(const Request& req, std::string_view name, int64_t def) {
  std::string_view v = req.Arg(name);
  if (v.empty()) return def;
  double secs;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (ec == std::errc() && p == v.data() + v.size()) return static_cast<int64_t>(secs * 1e9);
  int64_t ns;
  if (!ParseDuration(v, &ns)) {
    return Status::InvalidArgument("cannot parse `" + std::string(name) + "` arg \"" + std::string(v) +
                                   "\": want a duration such as 30s, 5m or 1h");
  }
  return ns;
}

Result<uint64_t> UintArg(const Request& req, std::string_view name, uint64_t def) {
  std::string_view v = req.Arg(name);
  if (v.empty()) return def;
  uint64_t n;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) {
    return Status::InvalidArgument("cannot parse `" + std::string(name) + "` arg \"" + std::string(v) +
                                   "\": want a non-negative integer");
  }
  return n;
}

Result<select::QueryRequest> ParseSelectRequest(const RouterOptions& options, Request& req, BodyReader& body,
                                                ResponseWriter& w) {
  VL_RETURN_IF_ERROR(ParseForm(req, body));
  select::QueryRequest q;
  auto tenant = ParseTenant(req);
  if (!tenant.ok()) return tenant.status();
  q.tenant = *tenant;
  q.query = std::string(req.Arg("query"));
  auto limit = UintArg(req, "limit", 0);
  if (!limit.ok()) return limit.status();
  q.limit = *limit;
  const int64_t now = NowNanos();
  VL_RETURN_IF_ERROR(ParseTimeArgInto(req, "start", now, &q.start));
  VL_RETURN_IF_ERROR(ParseTimeArgInto(req, "end", now, &q.end));
  std::optional<int64_t> eval_time;
  VL_RETURN_IF_ERROR(ParseTimeArgInto(req, "time", now, &eval_time));
  q.now_ns = eval_time.value_or(q.end.value_or(now));
  for (const char* name : {"extra_filters", "extra_stream_filters"}) {
    for (auto [it, end] = req.args.equal_range(name); it != end; ++it) {
      if (it->second.empty()) continue;
      auto text = ExtraFilterText(it->second, std::string_view(name) == "extra_stream_filters");
      if (!text.ok()) return text.status();
      q.extra_filters.push_back(*text);
    }
  }
  std::string_view partial = req.Arg("allow_partial_response");
  q.allow_partial = partial.empty() ? options.allow_partial_default : (partial == "1" || partial == "true");
  q.on_partial = [&w] { w.SetHeader("VL-Partial-Response", "true"); };
  return q;
}

std::string DurationLiteral(int64_t ns) {
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  return std::to_string(ns) + "ns";
}

std::string QuotedName(const std::string& name) {
  std::string out;
  logsql::AppendJsonString(name, &out);  // a JSON string literal reads back as a LogsQL quoted name
  return out;
}

bool CollectingSink::Write(const logsql::ResultBlock& block) {
  std::lock_guard<std::mutex> lock(mu_);
  blocks_.push_back(block);
  return true;
}

bool RunSelect(const RouterOptions& options, const select::QueryRequest& request, SelectScope& scope,
               logsql::ResultSink& sink, ResponseWriter& w, bool prom_errors) {
  Metrics::Global().Counter("vl_queries_total")++;
  Status s = scope.Explain(select::RunQuery(*options.queries, request, sink, scope.cancelled()));
  if (s.ok()) return true;
  if (s.code() == Status::Code::kCancelled) return false;  // the client went away
  Metrics::Global().Counter("vl_query_errors_total")++;
  if (w.headers_sent()) {
    w.Write("\n" + s.message() + "\n");
  } else if (prom_errors) {
    SendPromError(w, s);
  } else {
    SendError(w, s);
  }
  return false;
}

void SendValuesWithHits(ResponseWriter& w, std::vector<std::pair<std::string, uint64_t>> values) {
  std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return logsql::CompareNatural(a.first, b.first) < 0;
  });
  std::string body = "{\"values\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) body += ',';
    body += "{\"value\":";
    logsql::AppendJsonString(values[i].first, &body);
    body += ",\"hits\":" + std::to_string(values[i].second) + "}";
  }
  body += "]}";
  w.Send(200, "application/json", body);
}

}  // namespace vl::http
