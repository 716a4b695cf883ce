// The syslog listeners: -syslog.listenAddr.tcp (plain or TLS) and -syslog.listenAddr.udp, each
// with its own StreamOptions. Rows go to a RowStore, so a router spreads them over its storage
// nodes exactly as it does HTTP ingestion.
//
// Syslog has no acknowledgement: a sender considers a message delivered once its bytes are in
// the socket. Rows are therefore committed (made durable) at least once a second and every
// kCommitRows rows; what a crash can lose per transport is listed in docs/compatibility.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vl/common/status.h"
#include "vl/insert/row_store.h"
#include "vl/syslog/syslog_stream.h"

namespace vl::syslog {

struct ListenerOptions {
  enum class Transport { kTcp, kUdp };
  Transport transport = Transport::kTcp;
  std::string address;          // host:port, [v6]:port or :port (all interfaces)
  std::string compress_method;  // -syslog.compressMethod.*: none, gzip, deflate, zstd
  bool tls = false;             // -syslog.tls (TCP only)
  std::string tls_cert_file, tls_key_file;
  StreamOptions stream;
};

struct ServerOptions {
  std::vector<ListenerOptions> listeners;
  std::string tls_min_version = "TLS13";  // -syslog.tlsMinVersion
  std::vector<std::string> tls_cipher_suites;  // -syslog.tlsCipherSuites
  int64_t commit_interval_ms = 1000;  // pending rows are committed at least this often
};

class Server {
 public:
  // Binds every listener (a taken address or a bad TLS certificate fails the start with a
  // message naming the flag) and starts serving.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, insert::RowStore* rows);
  virtual ~Server() = default;
  // host:port actually bound, in the order of options.listeners.
  virtual std::vector<std::string> bound_addresses() const = 0;
  // Stops accepting; open connections commit what they received and close (within ~1 s).
  virtual void Stop() = 0;
};

}  // namespace vl::syslog
