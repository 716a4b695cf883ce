// The values-with-hits endpoints: field_names, field_values, stream_field_names,
// stream_field_values, streams and stream_ids. Each runs the query's filters with a pipe of its
// own over the query backend, so a router answers them from its storage nodes like any query.
#include <charconv>
#include <map>

#include "select_common.h"

namespace vl::http {

namespace {

using Values = std::vector<std::pair<std::string, uint64_t>>;

uint64_t ParseHits(std::string_view s) {
  uint64_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

// Rows of (value column, hits column) as pairs.
Values ReadValues(const CollectingSink& rows, const std::string& value_col, const std::string& hits_col) {
  Values out;
  rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
    const auto* v = b.Find(value_col);
    const auto* h = b.Find(hits_col);
    out.emplace_back(v ? std::string(v->at(r)) : std::string(), h ? ParseHits(h->at(r)) : 0);
  });
  return out;
}

// `limit=N`: more values than N -> N of them, with every hits zeroed (they would mislead).
void ApplyLimit(Values* values, uint64_t limit) {
  if (limit == 0 || values->size() <= limit) return;
  values->resize(limit);
  for (auto& v : *values) v.second = 0;
}

// `{a="x",b="y"}` -> (name, value) pairs; values are Go-quoted.
std::vector<std::pair<std::string, std::string>> ParseStreamLabels(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = s.find('{');
  if (i == std::string_view::npos) return out;
  ++i;
  while (i < s.size() && s[i] != '}') {
    const size_t eq = s.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= s.size() || s[eq + 1] != '"') break;
    std::string name(s.substr(i, eq - i));
    std::string value;
    size_t j = eq + 2;
    for (; j < s.size() && s[j] != '"'; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) ++j;
      value.push_back(s[j]);
    }
    out.emplace_back(std::move(name), std::move(value));
    i = j + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  return out;
}

// Runs `<filters> | <pipes>`; false after answering an error.
bool RunListing(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w,
                const std::string& pipes, CollectingSink* rows) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) {
    SendError(w, request.status());
    return false;
  }
  auto scope = SelectScope::Enter(options, req, w);
  if (!scope.ok()) {
    SendError(w, scope.status());
    return false;
  }
  request->rewrite = select::KeepFiltersThen(pipes, request->now_ns);
  request->limit = 0;
  return RunSelect(options, *request, **scope, *rows, w);
}

Result<std::string> RequiredField(const Request& req) {
  std::string_view f = req.Arg("field");
  if (f.empty()) return Status::InvalidArgument("missing `field` arg");
  return std::string(f);
}


}  // namespace

void HandleFieldNames(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  CollectingSink rows;
  if (!RunListing(options, req, body, w, "field_names", &rows)) return;
  Values values = ReadValues(rows, "name", "hits");
  std::erase_if(values, [](const auto& v) { return v.first.empty(); });
  SendValuesWithHits(w, std::move(values));
}

void HandleFieldValues(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  if (Status s = ParseForm(req, body); !s.ok()) return SendError(w, s);
  auto field = RequiredField(req);
  if (!field.ok()) return SendError(w, field.status());
  auto limit = UintArg(req, "limit", 0);
  if (!limit.ok()) return SendError(w, limit.status());
  CollectingSink rows;
  std::string pipe = "field_values " + QuotedName(*field);
  if (*limit > 0) pipe += " limit " + std::to_string(*limit);
  if (!RunListing(options, req, body, w, pipe, &rows)) return;
  SendValuesWithHits(w, ReadValues(rows, *field, "hits"));
}

namespace {

// Rows per `_stream` of the query's filters, as (stream, hits).
bool StreamHits(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w,
                const std::string& by, Values* out) {
  CollectingSink rows;
  if (!RunListing(options, req, body, w, "stats by (" + by + ") count() hits", &rows)) return false;
  *out = ReadValues(rows, by, "hits");
  return true;
}

}  // namespace

void HandleStreams(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w, bool ids) {
  if (Status s = ParseForm(req, body); !s.ok()) return SendError(w, s);
  auto limit = UintArg(req, "limit", 0);
  if (!limit.ok()) return SendError(w, limit.status());
  Values values;
  if (!StreamHits(options, req, body, w, ids ? "_stream_id" : "_stream", &values)) return;
  ApplyLimit(&values, *limit);
  SendValuesWithHits(w, std::move(values));
}

void HandleStreamFieldNames(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  Values streams;
  if (!StreamHits(options, req, body, w, "_stream", &streams)) return;
  std::map<std::string, uint64_t> names;
  for (const auto& [stream, hits] : streams) {
    for (const auto& [name, value] : ParseStreamLabels(stream)) names[name] += hits;
  }
  SendValuesWithHits(w, Values(names.begin(), names.end()));
}

void HandleStreamFieldValues(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  if (Status s = ParseForm(req, body); !s.ok()) return SendError(w, s);
  auto field = RequiredField(req);
  if (!field.ok()) return SendError(w, field.status());
  auto limit = UintArg(req, "limit", 0);
  if (!limit.ok()) return SendError(w, limit.status());
  Values streams;
  if (!StreamHits(options, req, body, w, "_stream", &streams)) return;
  std::map<std::string, uint64_t> values;
  for (const auto& [stream, hits] : streams) {
    for (const auto& [name, value] : ParseStreamLabels(stream)) {
      if (name == *field) values[value] += hits;
    }
  }
  Values out(values.begin(), values.end());
  ApplyLimit(&out, *limit);
  SendValuesWithHits(w, std::move(out));
}

}  // namespace vl::http
