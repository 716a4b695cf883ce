// Every HTTP ingestion protocol: its path, its parser and its defaults. The ingestion driver
// (src/http/insert_handlers.cpp) does the rest for all of them alike: decompression, common
// parameters, commits, acknowledgement, metrics and status codes. Adding a protocol is a parser
// file and one line in src/insert/protocols.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vl/insert/body_parser.h"
#include "vl/insert/common_params.h"
#include "vl/insert/row_store.h"

namespace vl::insert {

// Request details a protocol may read besides the common parameters.
using HeaderGetter = ArgGetter;
struct RequestInfo {
  ArgGetter arg;        // query args
  HeaderGetter header;  // headers, by case-insensitive name
};

struct Protocol {
  std::string_view path;  // e.g. "/insert/jsonline"
  std::string_view type;  // the `type` label of vl_rows_ingested_total, e.g. "jsonline"
  bool post_only = false;  // other methods get 405
  // Whole-body protocols: the setting limiting their decoded body (`-<protocol>.maxRequestSize`);
  // nullptr = streamed, any size.
  size_t ProtocolSettings::*max_body_bytes = nullptr;
  int success_status = 200;
  std::string_view success_content_type = "text/plain; charset=utf-8";
  std::string_view success_body;
  // A header every answer of the protocol carries (`X-Elastic-Product: Elasticsearch`, which
  // Elasticsearch clients check); empty name = none.
  std::string_view header_name, header_value;
  // True: a request where every record was bad answers 400 (jsonline); else the protocol's
  // own rule.
  bool all_failed_is_error = true;
  // The body's encoding when the request names none (Loki protobuf: "snappy"); nullptr = identity.
  std::string_view (*default_encoding)(const HeaderGetter& header) = nullptr;
  std::unique_ptr<BodyParser> (*make_parser)(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                             const RequestInfo& request) = nullptr;
};

// The protocol served at `path`, or nullptr.
const Protocol* FindProtocol(std::string_view path);

// Parser factories, one per protocol file.
std::unique_ptr<BodyParser> MakeJsonLineParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                               const RequestInfo& request);
std::unique_ptr<BodyParser> MakeElasticsearchBulkParser(CommonParams params, RowWriter* sink,
                                                        const ParserOptions& options, const RequestInfo& request);
std::unique_ptr<BodyParser> MakeLokiParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                           const RequestInfo& request);
// Loki protobuf bodies are snappy-compressed unless Content-Encoding says otherwise.
std::string_view LokiDefaultEncoding(const HeaderGetter& header);
std::unique_ptr<BodyParser> MakeDatadogParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                              const RequestInfo& request);
std::unique_ptr<BodyParser> MakeJournaldParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                               const RequestInfo& request);
std::unique_ptr<BodyParser> MakeOpenTelemetryParser(CommonParams params, RowWriter* sink,
                                                    const ParserOptions& options, const RequestInfo& request);

}  // namespace vl::insert
