// TLS settings of a listening socket and the server-side OpenSSL context built from them, shared
// by the HTTP server (-tls*) and the syslog TLS listeners (-syslog.tls*).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vl/common/status.h"

namespace boost::asio::ssl {
class context;
}

namespace vl::http {

// HTTPS on the listener: -tls, -tlsCertFile, -tlsKeyFile, -tlsMinVersion, -tlsCipherSuites, and
// client certificates with -mtls, -mtlsCAFile. The certificate and key files are checked once a
// second and re-read when they change, so a rotated certificate needs no restart.
struct TlsOptions {
  bool enabled = false;
  std::string cert_file, key_file;
  std::string min_version;  // TLS10, TLS11, TLS12 (default) or TLS13
  std::vector<std::string> cipher_suites;  // OpenSSL or IANA (TLS 1.3) names; empty = defaults
  bool mtls = false;        // require a client certificate signed by mtls_ca_file
  std::string mtls_ca_file;  // empty: the system's trusted CAs
  std::string flag_prefix;   // names the flags in messages: "" → -tlsCertFile, "syslog." → -syslog.tlsCertFile
};

// The listener's TLS context, rebuilt when the certificate or key file changes (checked at
// most once a second, on Current()). A file that fails to load keeps the previous context.
class TlsContexts {
 public:
  explicit TlsContexts(TlsOptions options);
  ~TlsContexts();

  // Builds the first context; errors name the flags and files.
  Status Load();
  // The context for a new connection. The native handle (SSL_CTX*) serves raw OpenSSL users.
  std::shared_ptr<boost::asio::ssl::context> Current();

 private:
  std::string FilesStamp() const;
  Result<std::shared_ptr<boost::asio::ssl::context>> Build() const;

  TlsOptions options_;
  std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> current_;
  std::string stamp_;
  std::chrono::steady_clock::time_point checked_;
};

}  // namespace vl::http
