// A storage node inside the test process: real local storage served by the real HTTP server on a
// loopback port the kernel picks. Cluster tests point Inserters and RemoteBackends at it.
#pragma once

#include <memory>
#include <string>

#include "vl/http/router.h"
#include "vl/http/server.h"
#include "vl/select/query_runner.h"
#include "vl/storage/storage.h"

namespace vl::test_support {

class InProcessNode {
 public:
  InProcessNode() = default;
  InProcessNode(const InProcessNode&) = delete;
  InProcessNode& operator=(const InProcessNode&) = delete;
  ~InProcessNode() { Stop(); }

  Status Start(const StorageOptions& options) {
    auto opened = Storage::Open(options);
    if (!opened.ok()) return opened.status();
    storage_ = std::move(*opened);
    rows_ = std::make_unique<http::LocalRowStore>(storage_.get());
    queries_ = std::make_unique<select::LocalBackend>(*storage_);
    http::RouterOptions router;
    router.storage = storage_.get();
    router.rows = rows_.get();
    router.queries = queries_.get();
    http::ServerOptions server;
    server.listen_addr = "127.0.0.1:0";
    auto started = http::Server::Start(server, http::MakeRouter(router));
    if (!started.ok()) return started.status();
    server_ = std::move(*started);
    return Status::OK();
  }

  // Stops serving, then flushes and closes the storage.
  Status Stop() {
    if (server_) server_->Stop();
    server_.reset();
    Status closed;
    if (storage_) closed = storage_->Close();
    storage_.reset();
    return closed;
  }

  Storage& storage() { return *storage_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<http::LocalRowStore> rows_;
  std::unique_ptr<select::LocalBackend> queries_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace vl::test_support
