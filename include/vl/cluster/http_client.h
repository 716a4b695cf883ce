// Small blocking HTTP/1.1 client for node-to-node traffic: pooled keep-alive connections,
// connect and I/O timeouts, streamed response bodies. Beast stays inside http_client.cpp.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vl/common/status.h"

namespace vl::cluster {

// How to reach one storage node across an untrusted network: the positional -storageNode.tls*
// flags and credentials.
struct NodeSecurity {
  bool tls = false;
  std::string ca_file;    // empty: the system's trusted CAs
  std::string cert_file;  // client certificate for mTLS (with key_file)
  std::string key_file;
  std::string server_name;  // name the node's certificate must carry; default: the host
  bool insecure_skip_verify = false;
  // Basic auth (password or password_file) or a bearer token (token or token file). Files are
  // re-read at most once a second, so rotated secrets need no restart.
  std::string username, password, password_file;
  std::string bearer_token, bearer_token_file;
};

struct ClientOptions {
  NodeSecurity security;
  int connect_timeout_ms = 3000;
  // Per read/write operation; a peer silent for this long is considered down.
  int io_timeout_ms = 30000;
  size_t max_idle_connections = 16;
};

// `base` with node i's security settings when there are any.
inline ClientOptions ClientOptionsFor(ClientOptions base, const std::vector<NodeSecurity>& per_node, size_t i) {
  if (i < per_node.size()) base.security = per_node[i];
  return base;
}

struct ClientRequest {
  std::string method = "GET";
  std::string target;  // path + query string
  std::vector<std::pair<std::string, std::string>> headers;
  // Not owned: the caller keeps the bytes alive until Send returns, so a batch that is retried
  // on another node is never copied.
  std::string_view body;
};

// A response whose body is read incrementally. Destroying it before the end closes the
// connection (the peer notices and stops producing); reading to the end returns it to the pool.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  virtual int status() const = 0;
  // Lower-case header name; empty when absent.
  virtual std::string Header(const std::string& lower_name) const = 0;
  // Up to n body bytes; 0 at the end of the body.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  Result<std::string> ReadAll(size_t limit);
  // Exactly n bytes, or an error (a short body is an error).
  Status ReadExactly(char* buf, size_t n);
};

class HttpClient {
 public:
  // `addr` is host:port.
  static std::unique_ptr<HttpClient> Create(const std::string& addr, ClientOptions options = {});
  virtual ~HttpClient() = default;
  virtual const std::string& addr() const = 0;
  // Sends the request and reads the response headers. Unavailable on connect/I/O errors.
  virtual Result<std::unique_ptr<ResponseStream>> Send(const ClientRequest& request) = 0;
  // TLS handshakes made so far, and how many of them resumed an earlier session (HTTPS costs a
  // full handshake only when a connection is new and no session can be resumed).
  virtual uint64_t tls_handshakes() const { return 0; }
  virtual uint64_t tls_resumed() const { return 0; }
};

}  // namespace vl::cluster
