// vlselect: runs queries over storage nodes. The query is split once (logsql::Split); the remote
// part goes to every node's /internal/select/query concurrently and the local pipes run over the
// merged stream of blocks. Implements select::QueryBackend, so every select endpoint built on it
// works through the cluster unchanged.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vl/cluster/http_client.h"
#include "vl/common/worker_pool.h"
#include "vl/select/query_runner.h"

namespace vl::cluster {

struct RemoteBackendOptions {
  std::vector<std::string> nodes;
  bool disable_compression = false;
  // -search.allowPartialResponse: the default for requests that do not say.
  bool allow_partial_default = false;
  ClientOptions client;
  // Per node (by position in `nodes`): TLS and credentials; missing entries use `client.security`.
  std::vector<NodeSecurity> node_security;
};

class RemoteBackend : public select::QueryBackend {
 public:
  explicit RemoteBackend(RemoteBackendOptions options);
  Status Execute(const select::QueryContext& ctx, const logsql::Query& query, logsql::ResultSink& sink,
                 const std::atomic<bool>* cancelled) override;
  bool allow_partial_default() const { return options_.allow_partial_default; }

 private:
  RemoteBackendOptions options_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
  // Threads that open and read the nodes' responses: starting two threads per node for every
  // query cost more than a small query itself. They block on the network, so the pool is not
  // the shared CPU pool.
  std::unique_ptr<WorkerPool> io_;
};

// Reads /internal/select/query frames from `stream`, handing each decoded block to `on_block`
// (false = stop). Exposed for tests.
Status ReadFrames(ResponseStream& stream, bool compressed, const std::function<bool(logsql::ResultBlock&&)>& on_block);

}  // namespace vl::cluster
