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
  for (size_t i = 0; i < options_.nodes.size(); ++i) {
    const std::string& addr = options_.nodes[i];
    auto n = std::make_unique<Node>();
    n->client = HttpClient::Create(addr, ClientOptionsFor(options_.client, options_.node_security, i));
    nodes_.push_back(std::move(n));
  }
  stream_rows_.reset(new std::atomic<uint32_t>[kStreamSlots]);
  for (size_t i = 0; i < kStreamSlots; ++i) stream_rows_[i].store(0, std::memory_order_relaxed);
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

Status Inserter::SendTo(size_t node, std::string_view body) {
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
  {
    // The response goes back to the connection pool before the slot is freed, so the next
    // sender reuses its connection instead of opening another.
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
  }
  {
    std::lock_guard<std::mutex> lock(nd.mu);
    --nd.in_flight;
  }
  nd.cv.notify_one();
  return result;
}

Status Inserter::Deliver(size_t preferred, std::string_view body) {
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

uint32_t Inserter::PickNode(uint64_t stream_hash) {
  const size_t n = nodes_.size();
  if (n == 1) return 0;
  std::atomic<uint32_t>& seen = stream_rows_[stream_hash % kStreamSlots];
  // Big streams (the hot case) only read their slot: no contended write per row.
  if (seen.load(std::memory_order_relaxed) < kRowsPerStreamOnHomeNode &&
      seen.fetch_add(1, std::memory_order_relaxed) < kRowsPerStreamOnHomeNode) {
    return static_cast<uint32_t>(stream_hash % n);
  }
  return static_cast<uint32_t>(next_spread_.fetch_add(1, std::memory_order_relaxed) % n);
}

class Inserter::Writer : public insert::RowWriter {
 public:
  explicit Writer(Inserter* inserter) : inserter_(inserter), bodies_(inserter->TakeBodies()) {}
  ~Writer() override { inserter_->ReturnBodies(std::move(bodies_)); }

  void Append(const RowView& row) override {
    const uint32_t node = inserter_->PickNode(row.stream_id.lo ^ row.stream_id.hi);
    AppendInsertRow(row, &bodies_->plain[node]);
    bodies_->rows[node]++;
    pending_++;
  }
  size_t pending_rows() const override { return pending_; }
  Status Commit(uint64_t* accepted) override {
    if (pending_ == 0) return Status::OK();
    pending_ = 0;
    Status s = inserter_->Ship(*bodies_, accepted);
    bodies_->Clear();
    return s;
  }

 private:
  Inserter* inserter_;
  std::unique_ptr<Bodies> bodies_;
  size_t pending_ = 0;
};

std::unique_ptr<insert::RowWriter> Inserter::NewWriter() { return std::make_unique<Writer>(this); }

std::unique_ptr<Inserter::Bodies> Inserter::TakeBodies() {
  {
    std::lock_guard<std::mutex> lock(bodies_mu_);
    if (!free_bodies_.empty()) {
      auto b = std::move(free_bodies_.back());
      free_bodies_.pop_back();
      return b;
    }
  }
  auto b = std::make_unique<Bodies>();
  b->plain.resize(nodes_.size());
  b->compressed.resize(nodes_.size());
  b->rows.assign(nodes_.size(), 0);
  return b;
}

void Inserter::ReturnBodies(std::unique_ptr<Bodies> bodies) {
  bodies->Clear();
  std::lock_guard<std::mutex> lock(bodies_mu_);
  // One set per concurrent request is enough; more would only hold memory.
  if (free_bodies_.size() < 2 * nodes_.size() * static_cast<size_t>(std::max(options_.concurrency, 1))) {
    free_bodies_.push_back(std::move(bodies));
  }
}

Status Inserter::Ship(Bodies& bodies, uint64_t* accepted) {
  const size_t n = nodes_.size();
  std::vector<std::string_view> out(n);
  for (size_t i = 0; i < n; ++i) {
    if (bodies.rows[i] == 0) continue;
    out[i] = bodies.plain[i];
    if (options_.disable_compression) continue;
    const size_t size = CompressTo(bodies.plain[i], &bodies.compressed[i]);
    if (size == 0) return Status::Internal("cannot compress a batch of rows for storage nodes");
    out[i] = std::string_view(bodies.compressed[i].data(), size);
  }
  // Per-node batches go out concurrently: this thread and idle sender threads take them in turn
  // (when every sender is busy, this thread sends them all). The request completes when all are
  // acknowledged.
  std::vector<Status> results(n);
  std::vector<size_t> targets;
  for (size_t i = 0; i < n; ++i) {
    if (bodies.rows[i] != 0) targets.push_back(i);
  }
  std::atomic<size_t> next{0};
  senders_->Run(targets.size() - 1, [&] {
    for (size_t k; (k = next.fetch_add(1)) < targets.size();) {
      results[targets[k]] = Deliver(targets[k], out[targets[k]]);
    }
  });
  Status status;
  for (size_t i = 0; i < n; ++i) {
    if (!results[i].ok() && status.ok()) status = results[i];
    if (results[i].ok()) *accepted += bodies.rows[i];
  }
  return status;
}

void Inserter::ProbeLoop() {
  ClientOptions probe_options = options_.client;
  probe_options.io_timeout_ms = 1000;
  probe_options.connect_timeout_ms = 1000;
  std::vector<std::unique_ptr<HttpClient>> probes;
  for (size_t i = 0; i < options_.nodes.size(); ++i) {
    probes.push_back(HttpClient::Create(options_.nodes[i], ClientOptionsFor(probe_options, options_.node_security, i)));
  }
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
