// vlinsert: ships parsed rows to storage nodes over /internal/insert.
//
// Placement: a stream's first 1000 rows go to node hash(stream) % N (small streams stay together),
// later rows rotate over all nodes (big streams spread so queries parallelise). Rows are counted
// in 65536 slots by stream hash: streams sharing a slot share its count. A node whose send
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
  // Per node (by position in `nodes`): TLS and credentials; missing entries use `client.security`.
  std::vector<NodeSecurity> node_security;
  int probe_interval_ms = 1000;
};

class Inserter : public insert::RowStore {
 public:
  explicit Inserter(InserterOptions options);
  ~Inserter() override;

  // Rows appended to a writer are encoded straight into per-node batches; Commit() ships them.
  std::unique_ptr<insert::RowWriter> NewWriter() override;

  size_t nodes() const { return nodes_.size(); }
  bool available(size_t node) const { return nodes_[node]->available.load(); }

 private:
  class Writer;
  struct Node {
    std::unique_ptr<HttpClient> client;
    std::atomic<bool> available{true};
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
  };
  // Per-node request bodies of one writer, recycled between requests (they are megabytes).
  struct Bodies {
    std::vector<std::string> plain;
    std::vector<std::string> compressed;
    std::vector<uint64_t> rows;
    // Empties every node's batch, keeping the capacity.
    void Clear() {
      for (size_t i = 0; i < plain.size(); ++i) {
        plain[i].clear();
        rows[i] = 0;
      }
    }
  };

  // The node for the next row of the stream with this hash (see Placement above).
  uint32_t PickNode(uint64_t stream_hash);
  // Compresses and delivers the non-empty bodies in parallel; OK once all are acknowledged.
  Status Ship(Bodies& bodies, uint64_t* accepted);
  Status SendTo(size_t node, std::string_view body);
  // Tries `preferred`, then every other node; marks failing nodes unavailable.
  Status Deliver(size_t preferred, std::string_view body);
  void ProbeLoop();
  std::unique_ptr<Bodies> TakeBodies();
  void ReturnBodies(std::unique_ptr<Bodies> bodies);

  InserterOptions options_;
  std::vector<std::unique_ptr<Node>> nodes_;
  static constexpr size_t kStreamSlots = 65536;
  std::unique_ptr<std::atomic<uint32_t>[]> stream_rows_;
  std::atomic<uint64_t> next_spread_{0};
  std::mutex bodies_mu_;
  std::vector<std::unique_ptr<Bodies>> free_bodies_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread prober_;
  // Sends a request's per-node batches in parallel without a thread start per request.
  std::unique_ptr<WorkerPool> senders_;
};

}  // namespace vl::cluster
