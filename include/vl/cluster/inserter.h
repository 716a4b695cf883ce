// vlinsert: ships parsed rows to storage nodes over /internal/insert.
//
// Placement: a stream's first 1000 rows go to node hash(stream) % N (small streams stay together),
// later rows rotate over all nodes (big streams spread so queries parallelise). A node whose send
// fails is marked unavailable and probed in the background every second; its batch goes to the
// next healthy node. Add() returns OK only once every row was acknowledged by some node, which
// stored it in its write-ahead log first, so a 200 to the client means the rows are durable.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "vl/cluster/http_client.h"
#include "vl/common/worker_pool.h"
#include "vl/insert/row_store.h"

namespace vl::cluster {

struct InserterOptions {
  std::vector<std::string> nodes;  // host:port
  int concurrency = 2;             // concurrent sends per node
  bool disable_compression = false;
  ClientOptions client;
  int probe_interval_ms = 1000;
};

class Inserter : public insert::RowStore {
 public:
  explicit Inserter(InserterOptions options);
  ~Inserter() override;

  Status Add(std::vector<LogRow> rows, uint64_t* accepted) override;

  size_t nodes() const { return nodes_.size(); }
  bool available(size_t node) const { return nodes_[node]->available.load(); }

 private:
  struct Node {
    std::unique_ptr<HttpClient> client;
    std::atomic<bool> available{true};
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
  };

  // The node of every row (see Placement above), under one lock.
  void PickNodes(const std::vector<LogRow>& rows, std::vector<uint32_t>* picks);
  Status SendTo(size_t node, const std::string& body);
  // Tries `preferred`, then every other node; marks failing nodes unavailable.
  Status Deliver(size_t preferred, const std::string& body);
  void ProbeLoop();

  InserterOptions options_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::mutex streams_mu_;
  std::unordered_map<uint64_t, uint64_t> stream_rows_;
  std::atomic<uint64_t> next_spread_{0};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread prober_;
  // Sends a request's per-node batches in parallel without a thread start per request.
  std::unique_ptr<WorkerPool> senders_;
};

}  // namespace vl::cluster
