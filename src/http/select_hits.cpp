// /select/logsql/hits (log counts per time bucket, optionally per field values) and
// /select/logsql/facets (the most frequent values of every field), as LogsQL over the backend.
#include <algorithm>
#include <charconv>
#include <map>

#include "select_common.h"

namespace vl::http {

namespace {

uint64_t ParseHits(std::string_view s) {
  uint64_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

struct Series {
  std::string fields_json;  // `{"level":"error"}`
  std::map<std::string, uint64_t> points;  // bucket start (RFC3339) -> hits
  uint64_t total = 0;
};

}  // namespace

void HandleHits(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) return SendError(w, request.status());
  auto step = DurationArg(req, "step", 86400LL * 1'000'000'000);
  if (!step.ok()) return SendError(w, step.status());
  if (*step <= 0) return SendError(w, Status::InvalidArgument("`step` arg must be positive"));
  auto offset = DurationArg(req, "offset", 0);
  if (!offset.ok()) return SendError(w, offset.status());
  auto fields_limit = UintArg(req, "fields_limit", 0);
  if (!fields_limit.ok()) return SendError(w, fields_limit.status());
  std::vector<std::string> fields;
  for (auto [it, end] = req.args.equal_range("field"); it != end; ++it) {
    if (!it->second.empty() && std::find(fields.begin(), fields.end(), it->second) == fields.end()) {
      fields.push_back(it->second);
    }
  }
  std::string by = "_time:" + DurationLiteral(*step);
  if (*offset != 0) by += " offset " + DurationLiteral(*offset);
  for (const auto& f : fields) by += ", " + QuotedName(f);
  auto scope = SelectScope::Enter(options, req, w);
  if (!scope.ok()) return SendError(w, scope.status());
  request->rewrite = select::KeepFiltersThen("stats by (" + by + ") count() hits", request->now_ns);
  request->limit = 0;
  CollectingSink rows;
  if (!RunSelect(options, *request, **scope, rows, w)) return;

  std::map<std::string, Series> by_fields;
  rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
    std::string key = "{";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) key += ',';
      logsql::AppendJsonString(fields[i], &key);
      key += ':';
      const auto* c = b.Find(fields[i]);
      logsql::AppendJsonString(c ? c->at(r) : std::string_view(), &key);
    }
    key += '}';
    Series& s = by_fields[key];
    s.fields_json = key;
    const auto* t = b.Find("_time");
    const auto* h = b.Find("hits");
    const uint64_t hits = h ? ParseHits(h->at(r)) : 0;
    s.points[t ? std::string(t->at(r)) : std::string()] += hits;
    s.total += hits;
  });
  std::vector<Series> series;
  for (auto& [key, s] : by_fields) series.push_back(std::move(s));
  if (*fields_limit > 0 && series.size() > *fields_limit) {
    // The biggest series stay; the rest are summed into one with no fields.
    std::stable_sort(series.begin(), series.end(), [](const Series& a, const Series& b) { return a.total > b.total; });
    Series other;
    other.fields_json = "{}";
    for (size_t i = *fields_limit; i < series.size(); ++i) {
      for (const auto& [ts, n] : series[i].points) other.points[ts] += n;
      other.total += series[i].total;
    }
    series.resize(*fields_limit);
    series.push_back(std::move(other));
    std::sort(series.begin(), series.end(),
              [](const Series& a, const Series& b) { return a.fields_json < b.fields_json; });
  }
  std::string out = "{\"hits\":[";
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    if (i) out += ',';
    out += "{\"fields\":" + s.fields_json + ",\"timestamps\":[";
    size_t k = 0;
    for (const auto& [ts, n] : s.points) {
      if (k++) out += ',';
      logsql::AppendJsonString(ts, &out);
    }
    out += "],\"values\":[";
    k = 0;
    for (const auto& [ts, n] : s.points) {
      if (k++) out += ',';
      out += std::to_string(n);
    }
    out += "],\"total\":" + std::to_string(s.total) + "}";
  }
  out += "]}";
  w.Send(200, "application/json", out);
}

void HandleFacets(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) return SendError(w, request.status());
  std::string pipe = "facets";
  for (const char* arg : {"limit", "max_values_per_field", "max_value_len"}) {
    auto n = UintArg(req, arg, 0);
    if (!n.ok()) return SendError(w, n.status());
    if (*n == 0) continue;
    pipe += std::string(arg) == "limit" ? " " + std::to_string(*n) : " " + std::string(arg) + " " + std::to_string(*n);
  }
  const std::string_view keep = req.Arg("keep_const_fields");
  if (keep == "1" || keep == "true") pipe += " keep_const_fields";
  auto scope = SelectScope::Enter(options, req, w);
  if (!scope.ok()) return SendError(w, scope.status());
  request->rewrite = select::KeepFiltersThen(pipe, request->now_ns);
  request->limit = 0;
  CollectingSink rows;
  if (!RunSelect(options, *request, **scope, rows, w)) return;
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> fields;
  rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
    const auto* name = b.Find("field_name");
    const auto* value = b.Find("field_value");
    const auto* hits = b.Find("hits");
    if (!name) return;
    fields[std::string(name->at(r))].emplace_back(value ? std::string(value->at(r)) : std::string(),
                                                   hits ? ParseHits(hits->at(r)) : 0);
  });
  std::string out = "{\"facets\":[";
  size_t i = 0;
  for (auto& [name, values] : fields) {
    std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (i++) out += ',';
    out += "{\"field_name\":";
    logsql::AppendJsonString(name, &out);
    out += ",\"values\":[";
    for (size_t k = 0; k < values.size(); ++k) {
      if (k) out += ',';
      out += "{\"field_value\":";
      logsql::AppendJsonString(values[k].first, &out);
      out += ",\"hits\":" + std::to_string(values[k].second) + "}";
    }
    out += "]}";
  }
  out += "]}";
  w.Send(200, "application/json", out);
}

}  // namespace vl::http
