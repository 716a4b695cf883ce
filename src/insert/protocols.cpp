// The HTTP ingestion protocols: one line each.
#include "vl/insert/protocols.h"

#include "vl/insert/jsonline_parser.h"

namespace vl::insert {

namespace {

const Protocol kProtocols[] = {
    {.path = "/insert/jsonline", .type = "jsonline", .post_only = true, .make_parser = MakeJsonLineParser},
    {.path = "/insert/elasticsearch/_bulk", .type = "elasticsearch_bulk", .success_content_type = "application/json",
     .header_name = "X-Elastic-Product", .header_value = "Elasticsearch", .all_failed_is_error = false,
     .make_parser = MakeElasticsearchBulkParser},
    {.path = "/insert/datadog/api/v2/logs", .type = "datadog", .max_body_bytes = &ProtocolSettings::datadog_max_request_bytes,
     .success_status = 202, .success_content_type = "application/json", .success_body = "{}",
     .all_failed_is_error = false, .make_parser = MakeDatadogParser},
    {.path = "/insert/loki/api/v1/push", .type = "loki", .post_only = true,
     .max_body_bytes = &ProtocolSettings::loki_max_request_bytes, .success_status = 204, .all_failed_is_error = false,
     .default_encoding = LokiDefaultEncoding, .make_parser = MakeLokiParser},
    {.path = "/insert/opentelemetry/v1/logs", .type = "opentelemetry",
     .max_body_bytes = &ProtocolSettings::opentelemetry_max_request_bytes, .success_status = 200,
     .make_parser = MakeOpenTelemetryParser},
    // Streamed: systemd-journal-upload --follow sends one endless body. Its answer advertises zstd,
    // which systemd (v258+) then uses for its bodies.
    {.path = "/insert/journald/upload", .type = "journald", .post_only = true, .header_name = "Accept-Encoding",
     .header_value = "zstd", .all_failed_is_error = false, .make_parser = MakeJournaldParser},
};

}  // namespace

const Protocol* FindProtocol(std::string_view path) {
  for (const Protocol& p : kProtocols) {
    if (p.path == path) return &p;
  }
  return nullptr;
}

std::unique_ptr<BodyParser> MakeJsonLineParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                               const RequestInfo&) {
  return std::make_unique<JsonLineParser>(std::move(params), sink, options);
}

}  // namespace vl::insert
