#include "vl/cluster/inserter.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "vl/cluster/wire.h"
#include "vl/common/metrics.h"

namespace vl::cluster {

namespace {

constexpr uint64_t kRowsPerStreamOnHomeNode = 1000;

}  // namespace

Inserter::Inserter(InserterOptions options) : options_(std::move(options)) {
  for (const auto& addr : options_.nodes) {
    auto n = std::make_unique<Node>();
    n->client = HttpClient::Create(addr, options_.client);
    nodes_.push_back(std::move(n));
  }
  prober_ = std::thread([this] { ProbeLoop(); });
  senders_ = std::make_unique<WorkerPool>(nodes_.size() * static_cast<size_t>(std::max(options_.concurrency, 1)));
}

Inserter::~Inserter() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  prober_.join();
}

Status Inserter::SendTo(size_t node, const std::string& body) {
  Node& nd = *nodes_[node];
  {
    // -insert.concurrency bounds in-flight requests per node: back-pressure instead of a pile-up.
    std::unique_lock<std::mutex> lock(nd.mu);
    nd.cv.wait(lock, [&] { return nd.in_flight < options_.concurrency; });
    ++nd.in_flight;
  }
  ClientRequest req;
  req.method = "POST";
  req.target = "/internal/insert?version=" + std::string(kProtocolVersion);
  req.headers.emplace_back("Content-Type", "application/octet-stream");
  if (!options_.disable_compression) req.headers.emplace_back("Content-Encoding", "zstd");
  req.body = body;
  Status result;
  auto resp = nd.client->Send(req);
  if (!resp.ok()) {
    result = resp.status();
  } else {
    auto text = (*resp)->ReadAll(1 << 20);
    if (!text.ok()) {
      result = text.status();
    } else if ((*resp)->status() / 100 != 2) {
      result = Status::Unavailable("storage node " + nd.client->addr() + " answered " +
                                   std::to_string((*resp)->status()) + ": " + *text);
    }
  }
  {
    std::lock_guard<std::mutex> lock(nd.mu);
    --nd.in_flight;
  }
  nd.cv.notify_one();
  return result;
}

Status Inserter::Deliver(size_t preferred, const std::string& body) {
  const size_t n = nodes_.size();
  std::string errors;
  // Two passes: healthy nodes first; then, if all are marked down, every node anyway (one may
  // have come back before the prober noticed).
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (preferred + k) % n;
      if (pass == 0 && !nodes_[i]->available.load()) continue;
      if (pass == 1 && nodes_[i]->available.load()) continue;
      Status s = SendTo(i, body);
      if (s.ok()) {
        nodes_[i]->available.store(true);
        return s;
      }
      if (nodes_[i]->available.exchange(false)) {
        spdlog::warn("storage node {} is unavailable, sending its rows to other nodes: {}", nodes_[i]->client->addr(),
                     s.message());
      }
      Metrics::Global().Counter("vl_insert_remote_send_errors_total{addr=\"" + nodes_[i]->client->addr() + "\"}")++;
      if (!errors.empty()) errors += "; ";
      errors += s.message();
    }
  }
  return Status::Unavailable("no storage node can accept the rows: " + errors);
}

void Inserter::PickNodes(const std::vector<LogRow>& rows, std::vector<uint32_t>* picks) {
  const size_t n = nodes_.size();
  picks->assign(rows.size(), 0);
  if (n == 1) return;
  // A stream's first kRowsPerStreamOnHomeNode rows go to hash % n, later ones rotate over all
  // nodes. One lock per batch and one map lookup per run of same-stream rows.
  std::lock_guard<std::mutex> lock(streams_mu_);
  for (size_t r = 0; r < rows.size();) {
    const uint64_t hash = rows[r].stream_id.lo ^ rows[r].stream_id.hi;
    size_t e = r + 1;
    while (e < rows.size() && (rows[e].stream_id.lo ^ rows[e].stream_id.hi) == hash) ++e;
    uint64_t& seen = stream_rows_[hash];
    for (; r < e; ++r) {
      (*picks)[r] = static_cast<uint32_t>(++seen <= kRowsPerStreamOnHomeNode
                                              ? hash % n
                                              : next_spread_.fetch_add(1, std::memory_order_relaxed) % n);
    }
  }
}

Status Inserter::Add(std::vector<LogRow> rows, uint64_t* accepted) {
  *accepted = 0;
  if (rows.empty()) return Status::OK();
  const size_t n = nodes_.size();
  // Per-thread buffers, reused across batches: no multi-MiB allocation per request.
  thread_local std::vector<std::string> bodies;
  thread_local std::vector<std::string> zbodies;
  thread_local std::vector<uint32_t> picks;
  if (bodies.size() < n) bodies.resize(n);
  if (zbodies.size() < n) zbodies.resize(n);
  for (size_t i = 0; i < n; ++i) bodies[i].clear();
  std::vector<uint64_t> counts(n, 0);
  PickNodes(rows, &picks);
  // A batch holds few distinct streams: marshal each one's tags once.
  std::unordered_map<uint64_t, std::pair<StreamID, std::string>> canonical;
  for (size_t r = 0; r < rows.size(); ++r) {
    const LogRow& row = rows[r];
    const size_t i = picks[r];
    auto [it, inserted] = canonical.try_emplace(row.stream_id.lo, row.stream_id, std::string());
    if (inserted) {
      it->second.second = row.stream_tags.MarshalCanonical();
    } else if (!(it->second.first == row.stream_id)) {  // a 64-bit collision: no caching
      AppendInsertRow(row, &bodies[i]);
      ++counts[i];
      continue;
    }
    AppendInsertRow(row, it->second.second, &bodies[i]);
    ++counts[i];
  }
  // The rows are serialized: free them now rather than while the sends are in flight.
  std::vector<LogRow>().swap(rows);
  std::vector<std::string>* out = &bodies;
  if (!options_.disable_compression) {
    for (size_t i = 0; i < n; ++i) {
      if (!bodies[i].empty()) CompressTo(bodies[i], &zbodies[i]);
    }
    out = &zbodies;
  }
  // Per-node batches go out concurrently: this thread and idle sender threads take them in turn
  // (when every sender is busy, this thread sends them all). The request completes when all are
  // acknowledged.
  std::vector<Status> results(n);
  std::vector<size_t> targets;
  for (size_t i = 0; i < n; ++i) {
    if (counts[i] != 0) targets.push_back(i);
  }
  std::atomic<size_t> next{0};
  senders_->Run(targets.size() - 1, [&] {
    for (size_t k; (k = next.fetch_add(1)) < targets.size();) {
      results[targets[k]] = Deliver(targets[k], (*out)[targets[k]]);
    }
  });
  for (size_t i = 0; i < n; ++i) {
    if (!results[i].ok()) return results[i];
    *accepted += counts[i];
  }
  return Status::OK();
}

void Inserter::ProbeLoop() {
  ClientOptions probe_options = options_.client;
  probe_options.io_timeout_ms = 1000;
  probe_options.connect_timeout_ms = 1000;
  std::vector<std::unique_ptr<HttpClient>> probes;
  for (const auto& addr : options_.nodes) probes.push_back(HttpClient::Create(addr, probe_options));
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, std::chrono::milliseconds(options_.probe_interval_ms), [&] { return stopping_; })) {
    lock.unlock();
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i]->available.load()) continue;
      ClientRequest req;
      req.target = "/health";
      auto resp = probes[i]->Send(req);
      if (resp.ok() && (*resp)->status() == 200 && (*resp)->ReadAll(1024).ok()) {
        spdlog::info("storage node {} is available again", options_.nodes[i]);
        nodes_[i]->available.store(true);
      }
    }
    lock.lock();
  }
}

}  // namespace vl::cluster
