#include "vl/cluster/remote_backend.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>

#include "vl/cluster/wire.h"
#include "vl/common/metrics.h"
#include "vl/common/varint.h"
#include "vl/logsql/executor.h"
#include "vl/logsql/split.h"

namespace vl::cluster {

namespace {

constexpr size_t kMaxFrameBytes = size_t{256} << 20;

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

Status ReadFrames(ResponseStream& stream, bool compressed, const std::function<bool(logsql::ResultBlock&&)>& on_block) {
  for (;;) {
    unsigned char len_buf[8];
    auto first = stream.Read(reinterpret_cast<char*>(len_buf), 8);
    if (!first.ok()) return first.status();
    if (*first == 0) return Status::OK();  // clean end of the response
    VL_RETURN_IF_ERROR(stream.ReadExactly(reinterpret_cast<char*>(len_buf) + *first, 8 - *first));
    uint64_t len = 0;
    for (unsigned char b : len_buf) len = (len << 8) | b;
    if (len == kErrorFrame) {
      auto rest = stream.ReadAll(1 << 20);
      std::string_view in = rest.ok() ? std::string_view(*rest) : std::string_view();
      std::string_view msg;
      if (!ReadLengthPrefixed(&in, &msg)) msg = "(error text lost)";
      return Status::Internal(std::string(msg));
    }
    if (len > kMaxFrameBytes) return Status::Internal("frame of " + std::to_string(len) + " bytes is too large");
    std::string frame(len, '\0');
    VL_RETURN_IF_ERROR(stream.ReadExactly(frame.data(), len));
    if (compressed) {
      auto plain = Decompress(frame, kMaxFrameBytes);
      if (!plain.ok()) return plain.status();
      frame = std::move(*plain);
    }
    std::vector<logsql::ResultBlock> blocks;
    VL_RETURN_IF_ERROR(ParseDataBlocks(frame, &blocks));
    for (auto& b : blocks) {
      if (!on_block(std::move(b))) return Status::OK();
    }
  }
}

RemoteBackend::RemoteBackend(RemoteBackendOptions options) : options_(std::move(options)) {
  for (size_t i = 0; i < options_.nodes.size(); ++i) {
    clients_.push_back(HttpClient::Create(options_.nodes[i], ClientOptionsFor(options_.client, options_.node_security, i)));
  }
  // Two queries at a time get every node read in parallel; more share the threads (a query
  // then reads some nodes one after another on its own thread).
  io_ = std::make_unique<WorkerPool>(std::max<size_t>(2 * clients_.size(), 2));
}

Status RemoteBackend::Execute(const select::QueryContext& ctx, const logsql::Query& query, logsql::ResultSink& sink,
                              const std::atomic<bool>* cancelled) {
  if (logsql::HasPendingSubqueries(query)) {
    // Subqueries run over the whole cluster first; the nodes then get their values as literals.
    auto resolved = query.Clone();
    VL_RETURN_IF_ERROR(logsql::ResolveSubqueries(*resolved, [&](const logsql::Query& sub, logsql::ResultSink& out) {
      return Execute(ctx, sub, out, cancelled);
    }));
    return Execute(ctx, *resolved, sink, cancelled);
  }
  logsql::SplitQuery split = logsql::Split(query);
  ClientRequest req;
  req.target = "/internal/select/query?version=" + std::string(kProtocolVersion) +
               "&tenant_ids=" + UrlEncode(EncodeTenant(ctx.tenant)) + "&query=" + UrlEncode(split.remote->ToString()) +
               "&timestamp=" + std::to_string(ctx.now_ns) +
               "&disable_compression=" + (options_.disable_compression ? "true" : "false");
  if (ctx.allow_partial) req.target += "&allow_partial_response=1";

  // Phase 1: open every node's response (status + headers) before any row reaches the sink, so
  // a down node turns into a clean 502, or the partial-response header, ahead of the body.
  const size_t n = clients_.size();
  std::vector<Result<std::unique_ptr<ResponseStream>>> streams;
  for (size_t i = 0; i < n; ++i) streams.emplace_back(Status::Unavailable("not started"));
  {
    std::atomic<size_t> next{0};
    io_->Run(n - 1, [&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) streams[i] = clients_[i]->Send(req);
    });
  }
  std::vector<size_t> live;
  std::string down;
  for (size_t i = 0; i < n; ++i) {
    Status s = streams[i].status();
    if (s.ok() && (*streams[i])->status() != 200) {
      auto text = (*streams[i])->ReadAll(1 << 20);
      std::string msg = text.ok() ? *text : text.status().message();
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      if ((*streams[i])->status() == 400) {
        return Status::InvalidArgument("storage node " + options_.nodes[i] + " rejected the query: " + msg);
      }
      s = Status::Unavailable("answered " + std::to_string((*streams[i])->status()) + ": " + msg);
    }
    if (s.ok()) {
      if ((*streams[i])->Header("vl-partial-response") == "true") down += "(a node below " + options_.nodes[i] + ")";
      live.push_back(i);
      continue;
    }
    Metrics::Global().Counter("vl_select_remote_send_errors_total{addr=\"" + options_.nodes[i] + "\"}")++;
    if (!ctx.allow_partial) {
      return Status::Unavailable("storage node " + options_.nodes[i] + " is unavailable: " + s.message());
    }
    spdlog::warn("partial response: storage node {} is unavailable: {}", options_.nodes[i], s.message());
    down += options_.nodes[i] + " ";
  }
  if (live.empty()) return Status::Unavailable("no storage node is available: " + down);
  if (!down.empty() && ctx.on_partial) ctx.on_partial();

  // Phase 2: every live node's blocks feed the local pipes concurrently (the runner serializes).
  // The router's pipes that query while they run (stream_context) query the whole cluster.
  for (auto& p : split.local) {
    p->SetQueryRunner([this, &ctx, cancelled](const logsql::Query& q, logsql::ResultSink& out) {
      return Execute(ctx, q, out, cancelled);
    });
  }
  logsql::PipeRunner runner(split.local, sink);
  std::atomic<bool> stop{false};
  std::vector<Status> results(n);
  std::atomic<size_t> next{0};
  io_->Run(live.size() - 1, [&] {
    for (size_t k; (k = next.fetch_add(1)) < live.size();) {
      const size_t i = live[k];
      results[i] = ReadFrames(**streams[i], !options_.disable_compression, [&](logsql::ResultBlock&& b) {
        if (stop.load() || (cancelled && cancelled->load())) return false;
        if (!runner.Push(std::move(b))) stop.store(true);
        return !stop.load();
      });
      // Stop reading early: dropping the stream closes the connection, so the node stops too.
      streams[i] = Status::Cancelled("done");
    }
  });
  if (cancelled && cancelled->load()) return Status::Cancelled("query cancelled");
  for (size_t i : live) {
    if (results[i].ok()) continue;
    Metrics::Global().Counter("vl_select_remote_send_errors_total{addr=\"" + options_.nodes[i] + "\"}")++;
    if (!ctx.allow_partial) {
      return Status::Unavailable("storage node " + options_.nodes[i] + " failed during the query: " +
                                 results[i].message());
    }
    spdlog::warn("partial response: storage node {} failed during the query: {}", options_.nodes[i],
                 results[i].message());
  }
  return runner.Flush();
}

}  // namespace vl::cluster
