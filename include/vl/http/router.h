// Maps request paths to the single-node handlers (insert, select, operational endpoints).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "vl/http/request.h"
#include "vl/insert/protocols.h"
#include "vl/insert/row_builder.h"
#include "vl/insert/row_store.h"
#include "vl/select/query_runner.h"
#include "vl/storage/storage.h"

namespace vl::http {

struct RouterOptions {
  // Local storage; nullptr on a cluster router (force_flush / force_merge are then unsupported).
  Storage* storage = nullptr;
  // Where ingested rows go and where queries read from: local storage or storage nodes.
  insert::RowStore* rows = nullptr;
  select::QueryBackend* queries = nullptr;
  // -search.allowPartialResponse: default for requests without `allow_partial_response`.
  bool allow_partial_default = false;
  bool internal_insert_disabled = false;
  bool internal_select_disabled = false;
  size_t max_line_size_bytes = 256 * 1024;
  size_t max_request_body_bytes = size_t{1} << 30;  // decoded body cap per request
  // -insert.maxFieldsPerLine and the hard entry limits; entries over them are dropped.
  insert::RowBuilderOptions row_limits;
  // Rendered by /flags.
  std::function<std::string()> flags_text;
  bool insert_disabled = false;
  bool select_disabled = false;
  insert::ProtocolSettings protocol_settings;  // -datadog.*, -loki.*, -opentelemetry.*, -journald.*
  std::string elasticsearch_version = "8.9.0";  // -elasticsearch.version, reported to shippers
  // -httpAuth.username / -httpAuth.password: Basic auth on every path but /health.
  std::string http_auth_username, http_auth_password;
  // Paths protected by an `authKey` query arg instead (-metricsAuthKey for /metrics, ...);
  // a path whose key is empty falls back to Basic auth.
  std::map<std::string, std::string> auth_keys;
  // -search.maxConcurrentRequests, -search.maxQueueDuration, -search.maxQueryDuration.
  size_t max_concurrent_requests = 4;
  int64_t max_queue_duration_ms = 10'000;
  int64_t max_query_duration_ms = 30'000;
};

Handler MakeRouter(RouterOptions options);

// The individual endpoints, for the router and for tests.
// /insert/elasticsearch/...: version, license and setup calls of Elasticsearch shippers; _bulk.
void HandleElasticsearchProbe(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
// The ingestion driver: every protocol of insert/protocols.h goes through it.
void HandleProtocolInsert(const insert::Protocol& protocol, const RouterOptions& options, Request& req,
                          BodyReader& body, ResponseWriter& w);
// /select/vmui and everything under it: the embedded web UI.
void HandleVmui(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleLogsqlQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleTail(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleHits(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleFacets(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleStatsQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleStatsQueryRange(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleFieldNames(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleFieldValues(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleStreamFieldNames(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleStreamFieldValues(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
// `ids`: /stream_ids (distinct _stream_id) instead of /streams (distinct _stream).
void HandleStreams(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w, bool ids);
// Cluster-internal endpoints (protocol v1), served by storage nodes and by routers (multi-level).
void HandleInternalInsert(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleInternalSelectQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);

// Adapts local storage to the ingestion interface.
class LocalRowStore : public insert::RowStore {
 public:
  explicit LocalRowStore(Storage* storage) : storage_(storage) {}
  std::unique_ptr<insert::RowWriter> NewWriter() override;

 private:
  Storage* storage_;
};

// While local storage is read-only (low disk space) answers 429 without reading the body and
// returns true; the insert handlers call it first.
bool RejectInsertIfReadOnly(const RouterOptions& options, ResponseWriter& w);

// Reads `application/x-www-form-urlencoded` POST bodies into req.args.
Status ParseForm(Request& req, BodyReader& body);
// AccountID / ProjectID headers; InvalidArgument naming the header on a bad value.
Result<TenantID> ParseTenant(const Request& req);

}  // namespace vl::http
