#include "vl/http/router.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "vl/common/metrics.h"
#include "vl/insert/row_limits.h"

namespace vl::http {

namespace {

constexpr const char* kIndexPage =
    "<h2>Single-node VictoriaLogs</h2></br>"
    "See docs at <a href='https://docs.victoriametrics.com/victorialogs/'>https://docs.victoriametrics.com/victorialogs/</a></br>"
    "Useful endpoints:</br>"
    "<a href=\"select/vmui\">select/vmui</a> - Web UI for VictoriaLogs<br/>"
    "<a href=\"metrics\">metrics</a> - available service metrics<br/>"
    "<a href=\"flags\">flags</a> - command-line flags<br/>";

bool ParseUint32(std::string_view s, uint32_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<TenantID> ParseTenant(const Request& req) {
  TenantID tenant;
  std::string_view account = req.Header("accountid");
  std::string_view project = req.Header("projectid");
  if (!account.empty() && !ParseUint32(account, &tenant.account_id)) {
    return Status::InvalidArgument("cannot parse AccountID header \"" + std::string(account) + "\": want uint32");
  }
  if (!project.empty() && !ParseUint32(project, &tenant.project_id)) {
    return Status::InvalidArgument("cannot parse ProjectID header \"" + std::string(project) + "\": want uint32");
  }
  return tenant;
}

Status ParseForm(Request& req, BodyReader& body) {
  if (req.method != "POST") return Status::OK();
  if (req.Header("content-type").find("application/x-www-form-urlencoded") == std::string_view::npos) {
    return Status::OK();
  }
  auto data = body.ReadAll(16 << 20);
  if (!data.ok()) return data.status();
  ParseQueryString(*data, &req.args);
  return Status::OK();
}

bool RejectInsertIfReadOnly(const RouterOptions& options, ResponseWriter& w) {
  if (!options.storage || !options.storage->IsReadOnly()) return false;
  Metrics::Global().Counter("vl_insert_rejected_read_only_total")++;
  // 429 tells clients to back off and retry: the node recovers by itself once space returns.
  w.Send(429, "text/plain; charset=utf-8",
         "the storage is in read-only mode: free disk space at -storageDataPath is below "
         "-storage.minFreeDiskSpaceBytes; free some space or lower the flag and retry\n");
  return true;
}

namespace {

void RegisterStorageMetrics(Storage* storage) {
  Metrics& m = Metrics::Global();
  auto gauge = [&](const std::string& name, uint64_t StorageMetrics::*field) {
    m.SetGaugeCallback(name, [storage, field] { return static_cast<double>(storage->GetMetrics().*field); });
  };
  gauge("vl_rows_dropped_total{reason=\"too_small_timestamp\"}", &StorageMetrics::rows_dropped_too_old);
  gauge("vl_rows_dropped_total{reason=\"too_big_timestamp\"}", &StorageMetrics::rows_dropped_too_new);
  gauge("vl_storage_rows", &StorageMetrics::rows_stored);
  gauge("vl_storage_parts", &StorageMetrics::parts);
  gauge("vl_partitions", &StorageMetrics::partitions);
  gauge("vl_data_size_bytes", &StorageMetrics::disk_bytes);
  gauge("vl_merges_total", &StorageMetrics::merges);
  gauge("vl_force_merges_skipped_total{reason=\"read_only\"}", &StorageMetrics::force_merges_skipped_read_only);
  gauge("vl_wal_size_bytes", &StorageMetrics::wal_bytes);
  gauge("vl_pending_rows", &StorageMetrics::pending_rows);
  gauge("vl_storage_bytes_written_total{kind=\"flush\"}", &StorageMetrics::bytes_written_flush);
  gauge("vl_storage_bytes_written_total{kind=\"merge\"}", &StorageMetrics::bytes_written_merge);
  gauge("vl_partitions_dropped_total{reason=\"retention\"}", &StorageMetrics::partitions_dropped_retention);
  gauge("vl_partitions_dropped_total{reason=\"max_disk_space_usage\"}",
        &StorageMetrics::partitions_dropped_disk_usage);
  gauge("vl_free_disk_space_bytes", &StorageMetrics::free_disk_bytes);
  gauge("vl_storage_is_read_only", &StorageMetrics::is_read_only);
  m.Counter("vl_insert_rejected_read_only_total");
  m.Counter("vl_queries_total");
  m.Counter("vl_query_errors_total");
  m.Counter("vl_rows_ingested_total{type=\"jsonline\"}");
  m.Counter("vl_bytes_ingested_total{type=\"jsonline\"}");
}

}  // namespace

namespace {

// Passes a response through, remembering its status (for the per-route error counter).
class StatusRecorder : public ResponseWriter {
 public:
  explicit StatusRecorder(ResponseWriter& w) : w_(w) {}
  void SetStatus(int code) override {
    status_ = code;
    w_.SetStatus(code);
  }
  void SetHeader(std::string name, std::string value) override { w_.SetHeader(std::move(name), std::move(value)); }
  bool Write(std::string_view data) override { return w_.Write(data); }
  bool headers_sent() const override { return w_.headers_sent(); }
  bool Flush() override { return w_.Flush(); }
  bool ClientGone() const override { return w_.ClientGone(); }
  int status() const { return status_; }

 private:
  ResponseWriter& w_;
  int status_ = 200;
};

// Which flag switches a route off, and whether it needs local storage.
enum class Role { kAlways, kSelect, kInsert, kInternalInsert, kInternalSelect, kLocalStorage };

using RouteHandler = void (*)(const RouterOptions&, Request&, BodyReader&, ResponseWriter&);

struct Route {
  std::string_view path;
  Role role;
  RouteHandler handle;
  bool prefix = false;  // also every path under `path/`
};

void Text(ResponseWriter& w, int code, std::string_view body) { w.Send(code, "text/plain; charset=utf-8", body); }

constexpr Route kRoutes[] = {
    {"/health", Role::kAlways, [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, "OK"); }},
    {"/ping", Role::kAlways,
     [](const RouterOptions&, Request& req, BodyReader&, ResponseWriter& w) {
       if (req.Arg("verbose") == "true" || req.Arg("verbose") == "1") return Text(w, 200, "OK");
       w.Send(204, "text/plain; charset=utf-8", "");
     }},
    {"/-/healthy", Role::kAlways,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, "VictoriaLogs is Healthy.\n"); }},
    {"/-/ready", Role::kAlways,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, "VictoriaLogs is Ready.\n"); }},
    {"/robots.txt", Role::kAlways,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, "User-agent: *\nDisallow: /\n"); }},
    {"/metrics", Role::kAlways,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, Metrics::Global().Render()); }},
    {"/flags", Role::kAlways,
     [](const RouterOptions& o, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, o.flags_text ? o.flags_text() : ""); }},
    {"/", Role::kAlways,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { w.Send(200, "text/html; charset=utf-8", kIndexPage); }},
    {"/insert/elasticsearch", Role::kInsert, HandleElasticsearchProbe, /*prefix=*/true},
    {"/insert/datadog/api/v1/validate", Role::kInsert,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { w.Send(200, "application/json", "{}"); }},
    {"/insert/loki/ready", Role::kInsert,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { Text(w, 200, "ready"); }},
    {"/insert/ready", Role::kAlways,
     [](const RouterOptions&, Request&, BodyReader&, ResponseWriter& w) { w.Send(200, "application/json", "{\"status\":\"ok\"}"); }},
    {"/select/vmui", Role::kSelect, HandleVmui, /*prefix=*/true},
    {"/select/logsql/query", Role::kSelect, HandleLogsqlQuery},
    {"/select/logsql/tail", Role::kSelect, HandleTail},
    {"/select/logsql/hits", Role::kSelect, HandleHits},
    {"/select/logsql/facets", Role::kSelect, HandleFacets},
    {"/select/logsql/stats_query", Role::kSelect, HandleStatsQuery},
    {"/select/logsql/stats_query_range", Role::kSelect, HandleStatsQueryRange},
    {"/select/logsql/field_names", Role::kSelect, HandleFieldNames},
    {"/select/logsql/field_values", Role::kSelect, HandleFieldValues},
    {"/select/logsql/stream_field_names", Role::kSelect, HandleStreamFieldNames},
    {"/select/logsql/stream_field_values", Role::kSelect, HandleStreamFieldValues},
    {"/select/logsql/streams", Role::kSelect,
     [](const RouterOptions& o, Request& r, BodyReader& b, ResponseWriter& w) { HandleStreams(o, r, b, w, false); }},
    {"/select/logsql/stream_ids", Role::kSelect,
     [](const RouterOptions& o, Request& r, BodyReader& b, ResponseWriter& w) { HandleStreams(o, r, b, w, true); }},
    {"/internal/insert", Role::kInternalInsert, HandleInternalInsert},
    {"/internal/select/query", Role::kInternalSelect, HandleInternalSelectQuery},
    {"/internal/force_flush", Role::kLocalStorage,
     [](const RouterOptions& o, Request&, BodyReader&, ResponseWriter& w) {
       Status s = o.storage->ForceFlush();
       Text(w, s.ok() ? 200 : 500, s.ok() ? "" : s.message());
     }},
    {"/internal/force_merge", Role::kLocalStorage,
     [](const RouterOptions& o, Request& req, BodyReader&, ResponseWriter& w) {
       o.storage->ForceMerge(std::string(req.Arg("partition_prefix")));
       Text(w, 200, "");
     }},
};

bool Enabled(const RouterOptions& o, Role role) {
  switch (role) {
    case Role::kAlways: return true;
    case Role::kSelect: return !o.select_disabled;
    case Role::kInsert: return !o.insert_disabled;
    case Role::kInternalInsert: return !o.insert_disabled && !o.internal_insert_disabled;
    case Role::kInternalSelect: return !o.select_disabled && !o.internal_select_disabled;
    case Role::kLocalStorage: return o.storage != nullptr;
  }
  return false;
}

// Equal without leaking where they differ: both are hashed, then compared in constant time.
bool SecretEquals(std::string_view given, std::string_view want) {
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(want.data()), want.size(), b);
  return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

std::string Base64Decode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else break;  // '=' padding or junk ends it
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// Whether the request may go on; otherwise answers 401.
bool Authorized(const RouterOptions& o, const Request& req, ResponseWriter& w) {
  if (req.path == "/health") return true;  // load balancers and probes carry no credentials
  auto key = o.auth_keys.find(req.path);
  if (key != o.auth_keys.end() && !key->second.empty()) {
    if (SecretEquals(req.Arg("authKey"), key->second)) return true;
    w.Send(401, "text/plain; charset=utf-8", "The provided authKey doesn't match the one set for " + req.path + "\n");
    return false;
  }
  if (o.http_auth_username.empty() && o.http_auth_password.empty()) return true;
  std::string_view header = req.Header("authorization");
  if (header.size() > 6 && header.substr(0, 6) == "Basic ") {
    const std::string creds = Base64Decode(header.substr(6));
    const size_t colon = creds.find(':');
    if (colon != std::string::npos) {
      const bool user_ok = SecretEquals(std::string_view(creds).substr(0, colon), o.http_auth_username);
      const bool password_ok = SecretEquals(std::string_view(creds).substr(colon + 1), o.http_auth_password);
      if (user_ok && password_ok) return true;
    }
  }
  Metrics::Global().Counter("vl_http_auth_failures_total")++;
  w.SetHeader("WWW-Authenticate", "Basic realm=\"VictoriaMetrics\"");
  w.Send(401, "text/plain; charset=utf-8", "Unauthorized\n");
  return false;
}

// Per-route counters, made once: metric labels come only from the route table.
struct RouteMetrics {
  std::atomic<uint64_t>* requests;
  std::atomic<uint64_t>* errors;
};

}  // namespace

Handler MakeRouter(RouterOptions options) {
  if (options.storage) RegisterStorageMetrics(options.storage);
  insert::RegisterDroppedRowCounters();
  Metrics& m = Metrics::Global();
  auto metrics = std::make_shared<std::vector<RouteMetrics>>();
  for (const Route& r : kRoutes) {
    const std::string label = "{path=\"" + std::string(r.path) + "\"}";
    metrics->push_back({&m.Counter("vl_http_requests_total" + label), &m.Counter("vl_http_errors_total" + label)});
  }
  std::atomic<uint64_t>* unsupported = &m.Counter("vl_http_errors_total{path=\"unsupported\"}");
  return [options = std::move(options), metrics, unsupported](Request& req, BodyReader& body, ResponseWriter& w) {
    if (!Authorized(options, req, w)) return;
    for (size_t i = 0; i < std::size(kRoutes); ++i) {
      const Route& r = kRoutes[i];
      const bool match = r.path == req.path || (r.prefix && req.path.size() > r.path.size() &&
                                                req.path.compare(0, r.path.size(), r.path) == 0 &&
                                                req.path[r.path.size()] == '/');
      if (!match || !Enabled(options, r.role)) continue;
      ++*(*metrics)[i].requests;
      if (r.role == Role::kSelect) w.SetHeader("Access-Control-Allow-Origin", "*");
      StatusRecorder recorder(w);
      r.handle(options, req, body, recorder);
      if (recorder.status() >= 400) ++*(*metrics)[i].errors;
      return;
    }
    // Ingestion protocols: one driver, a parser each (insert/protocols.h).
    if (const insert::Protocol* p = insert::FindProtocol(req.path); p && Enabled(options, Role::kInsert)) {
      auto& counter = Metrics::Global().Counter("vl_http_requests_total{path=\"" + std::string(p->path) + "\"}");
      ++counter;
      return HandleProtocolInsert(*p, options, req, body, w);
    }
    ++*unsupported;
    w.Send(400, "text/plain; charset=utf-8", "unsupported path requested: \"" + req.path + "\"\n");
  };
}

}  // namespace vl::http
