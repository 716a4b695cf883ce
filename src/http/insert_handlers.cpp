#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "vl/common/metrics.h"
#include "vl/http/router.h"
#include "vl/insert/common_params.h"
#include "vl/insert/decompressor.h"
#include "vl/insert/protocols.h"

namespace vl::http {

namespace {

// Rows are handed to storage in batches of this size, so a huge body never sits in memory whole.
constexpr size_t kStoreBatchRows = 16 * 1024;
constexpr size_t kReadChunkBytes = 256 * 1024;

// Per protocol: the VictoriaLogs metric names with the protocol's `type` / path labels.
struct InsertCounters {
  explicit InsertCounters(const insert::Protocol& p)
      : rows(Metrics::Global().Counter("vl_rows_ingested_total{type=\"" + std::string(p.type) + "\"}")),
        bytes(Metrics::Global().Counter("vl_bytes_ingested_total{type=\"" + std::string(p.type) + "\"}")),
        errors(Metrics::Global().Counter("vl_http_errors_total{path=\"" + std::string(p.path) + "\"}")),
        records_failed(Metrics::Global().Counter("vl_insert_records_skipped_total{type=\"" + std::string(p.type) + "\"}")) {}
  std::atomic<uint64_t>& rows;
  std::atomic<uint64_t>& bytes;
  std::atomic<uint64_t>& errors;
  std::atomic<uint64_t>& records_failed;
  std::atomic<uint64_t>& too_long = Metrics::Global().Counter("vl_too_long_lines_skipped_total");
  std::atomic<uint64_t>& debug_rows = Metrics::Global().Counter("vl_rows_dropped_total{reason=\"debug\"}");
};

InsertCounters& Counters(const insert::Protocol& p) {
  static std::mutex mu;
  static std::map<std::string_view, std::unique_ptr<InsertCounters>> all;
  std::lock_guard<std::mutex> lock(mu);
  auto& c = all[p.path];
  if (!c) c = std::make_unique<InsertCounters>(p);
  return *c;
}

// debug=1: rows are logged instead of stored.
class DebugRowWriter : public insert::RowWriter {
 public:
  explicit DebugRowWriter(std::atomic<uint64_t>& dropped) : dropped_(dropped) {}
  void Append(const RowView& view) override {
    const LogRow row = ToLogRow(view);
    std::string text = row.stream_tags.ToString();
    for (const Field& f : row.fields) text += " " + f.name + "=" + QuoteString(f.value);
    spdlog::info("debug mode, row not stored: _time={} _stream={}", row.timestamp, text);
    pending_++;
  }
  size_t pending_rows() const override { return pending_; }
  Status Commit(uint64_t*) override {
    dropped_ += pending_;
    pending_ = 0;
    return Status::OK();
  }

 private:
  std::atomic<uint64_t>& dropped_;
  size_t pending_ = 0;
};

class LocalRowWriter : public insert::RowWriter {
 public:
  explicit LocalRowWriter(Storage* storage) : storage_(storage) {}
  void Append(const RowView& row) override {
    // Made on first use: a batch takes a pooled multi-MiB buffer that an unused one would free.
    if (!batch_) batch_.emplace(storage_->NewBatch());
    batch_->Append(row);
  }
  size_t pending_rows() const override {
    return batch_ ? batch_->rows() + batch_->too_old() + batch_->too_new() : 0;
  }
  Status Commit(uint64_t* accepted) override {
    if (!batch_) return Status::OK();
    storage::IngestBatch batch = std::move(*batch_);
    batch_.reset();
    AddResult result;
    Status s = storage_->AddBatch(std::move(batch), &result);
    *accepted += result.rows_accepted;
    return s;
  }

 private:
  Storage* storage_;
  std::optional<storage::IngestBatch> batch_;
};

// Read-only storage (the disk filled up during the request) -> 429 as before the body; other
// store failures are transient -> 503.
int StoreErrorCode(const Status& s) { return s.code() == Status::Code::kResourceExhausted ? 429 : 503; }

void LogRecordErrors(const insert::Protocol& protocol, insert::BodyParser& parser) {
  for (const insert::LineError& e : parser.TakeErrors()) {
    // Line-based protocols number lines, whole-body ones their records.
    spdlog::warn("{}: skipping {} {}: {}", protocol.path, protocol.max_body_bytes ? "record" : "line", e.line_number,
                 e.reason);
  }
}

}  // namespace

std::unique_ptr<insert::RowWriter> LocalRowStore::NewWriter() {
  return std::make_unique<LocalRowWriter>(storage_);
}

void HandleProtocolInsert(const insert::Protocol& protocol, const RouterOptions& options, Request& req,
                          BodyReader& body, ResponseWriter& w) {
  InsertCounters& counters = Counters(protocol);
  if (!protocol.header_name.empty()) w.SetHeader(std::string(protocol.header_name), std::string(protocol.header_value));
  auto fail = [&](int code, const std::string& msg) {
    counters.errors++;
    w.Send(code, "text/plain; charset=utf-8", msg + "\n");
  };
  if (protocol.post_only && req.method != "POST") {
    w.SetStatus(405);
    return;
  }
  if (RejectInsertIfReadOnly(options, w)) return;
  auto header = [&](std::string_view name) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    return req.Header(lower);
  };
  auto params = insert::CommonParams::Parse([&](std::string_view name) { return req.Arg(name); }, header);
  if (!params.ok()) return fail(400, params.status().message());
  const bool debug = params->debug;
  const size_t whole_body_limit = protocol.max_body_bytes ? options.protocol_settings.*protocol.max_body_bytes : 0;
  const size_t max_body = whole_body_limit ? whole_body_limit : options.max_request_body_bytes;
  std::string_view encoding = req.Header("content-encoding");
  if (encoding.empty() && protocol.default_encoding) encoding = protocol.default_encoding(header);
  auto decoder = insert::Decompressor::Create(encoding, max_body);
  if (!decoder.ok()) return fail(400, decoder.status().message());

  insert::ParserOptions parser_options;
  parser_options.max_line_size = options.max_line_size_bytes;
  parser_options.row_options = options.row_limits;
  parser_options.settings = options.protocol_settings;
  std::unique_ptr<insert::RowWriter> writer =
      debug ? std::unique_ptr<insert::RowWriter>(std::make_unique<DebugRowWriter>(counters.debug_rows))
            : options.rows->NewWriter();
  std::unique_ptr<insert::BodyParser> parser =
      protocol.make_parser(std::move(*params), writer.get(), parser_options,
                           insert::RequestInfo{[&](std::string_view name) { return req.Arg(name); }, header});
  size_t decoded_bytes = 0;
  auto feed = [&](std::string_view decoded) -> Status {
    counters.bytes += decoded.size();
    decoded_bytes += decoded.size();
    if (whole_body_limit && decoded_bytes > whole_body_limit) {
      return Status::InvalidArgument("request body exceeds " + std::to_string(whole_body_limit) +
                                     " bytes (the protocol's -*.maxRequestSize flag)");
    }
    return parser->Feed(decoded);
  };
  auto store_pending = [&](size_t min_rows) -> Status {
    LogRecordErrors(protocol, *parser);
    if (writer->pending_rows() < min_rows || writer->pending_rows() == 0) return Status::OK();
    uint64_t accepted = 0;
    Status s = writer->Commit(&accepted);
    counters.rows += accepted;
    return s;
  };

  std::vector<char> buf(kReadChunkBytes);
  for (;;) {
    auto n = body.Read(buf.data(), buf.size());
    if (!n.ok()) return fail(400, n.status().message());
    if (*n == 0) break;
    Status s = (*decoder)->Decode(std::string_view(buf.data(), *n), feed);
    if (!s.ok()) {
      // Whatever parsed before is still stored; the client learns the body was bad.
      Status stored = store_pending(0);
      return fail(stored.ok() ? 400 : StoreErrorCode(stored), "cannot read request body: " + s.message());
    }
    s = store_pending(kStoreBatchRows);
    if (!s.ok()) return fail(StoreErrorCode(s), "cannot store rows: " + s.message());
  }
  Status s = (*decoder)->Finish(feed);
  if (s.ok()) s = parser->Finish();
  if (!s.ok()) {
    Status stored = store_pending(0);
    return fail(stored.ok() ? 400 : StoreErrorCode(stored), "cannot read request body: " + s.message());
  }
  s = store_pending(0);
  if (!s.ok()) return fail(StoreErrorCode(s), "cannot store rows: " + s.message());
  counters.too_long += parser->too_long_lines();
  counters.records_failed += parser->records_failed();
  if (parser->records_failed() > 0) counters.errors++;
  if (protocol.all_failed_is_error && parser->records_ok() == 0 && parser->records_failed() > 0) {
    const insert::LineError& e = parser->last_error();
    return fail(400, "no valid lines in the request body; line " + std::to_string(e.line_number) + ": " + e.reason);
  }
  if (std::string answer = parser->ResponseBody(); !answer.empty()) {
    w.Send(protocol.success_status, protocol.success_content_type, answer);
  } else if (protocol.success_body.empty()) {
    w.SetStatus(protocol.success_status);
  } else {
    w.Send(protocol.success_status, protocol.success_content_type, protocol.success_body);
  }
}

}  // namespace vl::http
