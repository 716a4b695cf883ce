// HTTP/1.1 server: one thread per connection with blocking I/O, keep-alive, streamed request
// bodies and chunked responses. Handlers see only the types of vl/http/request.h.
#pragma once

#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "vl/common/status.h"
#include "vl/http/request.h"
#include "vl/http/tls_context.h"

namespace vl::http {

struct ServerOptions {
  TlsOptions tls;
  std::string listen_addr = ":9428";  // host:port; empty host = all interfaces
  int64_t max_graceful_shutdown_ms = 7000;  // -http.maxGracefulShutdownDuration
  // -http.idleConnTimeout: a connection whose client sends nothing for this long is closed
  // (between requests and while a request is being received). 0 = never.
  int64_t idle_conn_timeout_ms = 60'000;
  // -http.connTimeout: once a connection is this old, its next response says
  // `Connection: close`, so clients reconnect and spread over load-balanced servers. 0 = never.
  int64_t conn_timeout_ms = 120'000;
};

class Server {
 public:
  // Binds the listening socket; fails with a clear message when the address is taken.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);
  virtual ~Server() = default;
  // The port actually bound (useful with port 0).
  virtual int port() const = 0;
  // host:port actually bound, e.g. `127.0.0.1:43121` or `[::]:9428`.
  virtual std::string bound_address() const = 0;
  // Stops accepting, waits for in-flight requests (bounded), closes idle connections.
  virtual void Stop() = 0;
};

}  // namespace vl::http
