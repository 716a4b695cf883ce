// /internal/insert and /internal/select/query: what storage nodes serve to routers. Routers
// serve them too (forwarding to their own nodes through the same RowStore / QueryBackend), so
// routers can be stacked.
#include <spdlog/spdlog.h>

#include <charconv>
#include <mutex>

#include "vl/cluster/wire.h"
#include "vl/common/metrics.h"
#include "select_common.h"
#include "vl/http/router.h"
#include "vl/insert/decompressor.h"
#include "vl/logsql/query.h"

namespace vl::http {

namespace {

constexpr size_t kMaxInternalInsertBytes = size_t{64} << 20;  // -internalinsert.maxRequestSize
constexpr size_t kFrameFlushBytes = size_t{1} << 20;

bool CheckVersion(const Request& req, ResponseWriter& w) {
  std::string_view v = req.Arg("version");
  if (v == cluster::kProtocolVersion) return true;
  w.Send(400, "text/plain; charset=utf-8",
         "unexpected version=\"" + std::string(v) + "\"; want \"" + std::string(cluster::kProtocolVersion) +
             "\" (the peer speaks another cluster protocol version)\n");
  return false;
}

// Buffers DataBlocks and writes them as frames of about 1 MiB.
class FrameSink : public logsql::ResultSink {
 public:
  // `cancel` is set when the receiver has gone away.
  FrameSink(ResponseWriter& w, bool compress, std::atomic<bool>* cancel) : w_(w), compress_(compress), cancel_(cancel) {}

  bool Write(const logsql::ResultBlock& block) override {
    if (block.rows == 0) return !gone_;
    cluster::AppendDataBlock(block, &pending_);
    if (pending_.size() >= kFrameFlushBytes) FlushFrame();
    return !gone_;
  }

  bool FlushFrame() {
    if (pending_.empty() || gone_) return !gone_;
    std::string frame;
    cluster::AppendFrame(pending_, compress_, &frame);
    pending_.clear();
    if (!w_.Write(frame)) {
      gone_ = true;
      cancel_->store(true);
    }
    return !gone_;
  }

 private:
  ResponseWriter& w_;
  bool compress_;
  std::string pending_;
  std::atomic<bool>* cancel_;
  bool gone_ = false;
};

// Routers send one zstd frame with its size in the header: decompress it in one call into a
// reused buffer; anything else goes through the generic streaming decoders. *data views either
// `raw` or *buf.
Status DecodeInternalBody(std::string_view encoding, std::string_view raw, std::string* buf, std::string_view* data) {
  if (encoding.empty() || encoding == "identity") {
    *data = raw;
    return Status::OK();
  }
  if (encoding == "zstd") {
    auto whole = cluster::DecompressInto(raw, kMaxInternalInsertBytes * 4, buf);
    if (whole.ok()) {
      *data = *whole;
      return Status::OK();
    }
  }
  auto decoder = insert::Decompressor::Create(encoding, kMaxInternalInsertBytes * 4);
  if (!decoder.ok()) return decoder.status();
  buf->clear();
  Status s = (*decoder)->Decode(raw, buf);
  if (s.ok()) s = (*decoder)->Finish([&](std::string_view d) {
    buf->append(d);
    return Status::OK();
  });
  *data = *buf;
  return s;
}

// Per-thread buffers for /internal/insert bodies: a router sends megabytes per request, and
// fresh buffers would be zero-filled and faulted in every time. Big ones are not kept.
struct InsertBuffers {
  std::string raw;
  std::string decoded;
  void Trim() {
    constexpr size_t kKeep = 16u << 20;
    if (raw.capacity() > kKeep) std::string().swap(raw);
    if (decoded.capacity() > kKeep) std::string().swap(decoded);
  }
};

}  // namespace

void HandleInternalInsert(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  if (req.method != "POST") {
    w.Send(405, "text/plain; charset=utf-8", "/internal/insert accepts only POST\n");
    return;
  }
  if (!CheckVersion(req, w)) return;
  if (RejectInsertIfReadOnly(options, w)) return;
  auto fail = [&](int code, const std::string& msg) {
    Metrics::Global().Counter("vl_http_errors_total{path=\"/internal/insert\"}")++;
    w.Send(code, "text/plain; charset=utf-8", msg + "\n");
  };
  size_t expected = 0;
  const std::string_view length = req.Header("content-length");
  std::from_chars(length.data(), length.data() + length.size(), expected);
  thread_local InsertBuffers buffers;
  struct TrimOnExit {
    ~TrimOnExit() { buffers.Trim(); }
  } trim_on_exit;
  Status s = body.ReadAllInto(&buffers.raw, kMaxInternalInsertBytes, expected);
  if (!s.ok()) return fail(400, "cannot read request body: " + s.message());
  std::string_view data;
  s = DecodeInternalBody(req.Header("content-encoding"), buffers.raw, &buffers.decoded, &data);
  if (!s.ok()) return fail(400, "cannot decode request body: " + s.message());
  std::unique_ptr<insert::RowWriter> writer = options.rows->NewWriter();
  Status parsed = cluster::ParseInsertRows(data, [&](const RowView& row) { writer->Append(row); });
  // Rows before a malformed one are still stored (spec §2.4); the sender learns about the rest.
  uint64_t accepted = 0;
  s = writer->Commit(&accepted);
  Metrics::Global().Counter("vl_rows_ingested_total{type=\"internal\"}") += accepted;
  if (!s.ok()) {
    int code = s.code() == Status::Code::kUnavailable ? 503 : s.code() == Status::Code::kResourceExhausted ? 429 : 500;
    return fail(code, "cannot store rows: " + s.message());
  }
  if (!parsed.ok()) return fail(400, parsed.message());
  w.SetStatus(200);
}

void HandleInternalSelectQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  if (!CheckVersion(req, w)) return;
  auto bad = [&](const std::string& msg) { w.Send(400, "text/plain; charset=utf-8", msg + "\n"); };
  select::QueryContext ctx;
  auto tenant = cluster::DecodeTenant(req.Arg("tenant_ids"));
  if (!tenant.ok()) return bad(tenant.status().message());
  ctx.tenant = *tenant;
  std::string_view ts = req.Arg("timestamp");
  auto [ptr, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), ctx.now_ns);
  if (ts.empty() || ec != std::errc() || ptr != ts.data() + ts.size()) {
    return bad("cannot parse `timestamp` arg \"" + std::string(ts) + "\": want int64 nanoseconds");
  }
  auto query = logsql::ParseQuery(req.Arg("query"), ctx.now_ns);
  if (!query.ok()) return bad("cannot parse `query` arg: " + query.status().message());
  std::string_view partial = req.Arg("allow_partial_response");
  ctx.allow_partial = partial == "1" || partial == "true";
  ctx.on_partial = [&w] { w.SetHeader("VL-Partial-Response", "true"); };
  const bool compress = req.Arg("disable_compression") != "true";

  // No slot or deadline here (the router that sent it has them), but a router that goes away
  // (its client left, or it timed out) stops the work.
  auto scope = SelectScope::Enter(options, req, w, /*limited=*/false);
  if (!scope.ok()) return bad(scope.status().message());
  w.SetHeader("Content-Type", "application/octet-stream");
  FrameSink sink(w, compress, (*scope)->cancel_flag());
  Status s = options.queries->Execute(ctx, **query, sink, (*scope)->cancelled());
  if (s.ok()) {
    sink.FlushFrame();
    if (!w.headers_sent()) w.SetStatus(200);
    return;
  }
  if (s.code() == Status::Code::kCancelled) return;
  if (!w.headers_sent()) {
    // The router passes a 400 on as the query's own fault (bad query, over its memory budget).
    const bool query_fault = s.code() == Status::Code::kInvalidArgument || s.code() == Status::Code::kResourceExhausted;
    w.SetStatus(query_fault ? 400 : 502);
    w.SetHeader("Content-Type", "text/plain; charset=utf-8");
    w.Write(s.message() + "\n");
    return;
  }
  // Mid-stream: the receiver sees the error frame instead of a silently truncated answer.
  std::string frame;
  cluster::AppendErrorFrame(s.message(), &frame);
  w.Write(frame);
}

}  // namespace vl::http
