#include "vl/http/router.h"

#include <spdlog/spdlog.h>

#include <charconv>

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

Handler MakeRouter(RouterOptions options) {
  if (options.storage) RegisterStorageMetrics(options.storage);
  insert::RegisterDroppedRowCounters();
  return [options = std::move(options)](Request& req, BodyReader& body, ResponseWriter& w) {
    Metrics& metrics = Metrics::Global();
    const std::string& path = req.path;
    metrics.Counter("vl_http_requests_total{path=\"" + path + "\"}")++;
    if (path == "/health") {
      w.Send(200, "text/plain; charset=utf-8", "OK");
    } else if (path == "/metrics") {
      w.Send(200, "text/plain; charset=utf-8", metrics.Render());
    } else if (path == "/flags") {
      w.Send(200, "text/plain; charset=utf-8", options.flags_text ? options.flags_text() : "");
    } else if (path == "/") {
      w.Send(200, "text/html; charset=utf-8", kIndexPage);
    } else if (path == "/insert/jsonline" && !options.insert_disabled) {
      HandleJsonLineInsert(options, req, body, w);
    } else if (path == "/select/logsql/query" && !options.select_disabled) {
      HandleLogsqlQuery(options, req, body, w);
    } else if (path == "/internal/insert" && !options.insert_disabled && !options.internal_insert_disabled) {
      HandleInternalInsert(options, req, body, w);
    } else if (path == "/internal/select/query" && !options.select_disabled && !options.internal_select_disabled) {
      HandleInternalSelectQuery(options, req, body, w);
    } else if (path == "/internal/force_flush" && options.storage) {
      Status s = options.storage->ForceFlush();
      if (s.ok()) {
        w.Send(200, "text/plain; charset=utf-8", "");
      } else {
        w.Send(500, "text/plain; charset=utf-8", s.message());
      }
    } else if (path == "/internal/force_merge" && options.storage) {
      options.storage->ForceMerge(std::string(req.Arg("partition_prefix")));
      w.Send(200, "text/plain; charset=utf-8", "");
    } else if (path == "/insert/ready") {
      w.Send(200, "application/json", "{\"status\":\"ok\"}");
    } else {
      metrics.Counter("vl_http_errors_total{path=\"unsupported\"}")++;
      w.Send(400, "text/plain; charset=utf-8", "unsupported path requested: \"" + path + "\"\n");
    }
  };
}

}  // namespace vl::http
