#include "vl/http/tls_context.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/ssl.hpp>

namespace vl::http {

namespace asio = boost::asio;

TlsContexts::TlsContexts(TlsOptions options) : options_(std::move(options)) {}
TlsContexts::~TlsContexts() = default;

Status TlsContexts::Load() {
  auto ctx = Build();
  if (!ctx.ok()) return ctx.status();
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(*ctx);
  stamp_ = FilesStamp();
  checked_ = std::chrono::steady_clock::now();
  return Status::OK();
}

std::shared_ptr<asio::ssl::context> TlsContexts::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_ >= std::chrono::seconds(1)) {
    checked_ = now;
    const std::string stamp = FilesStamp();
    if (stamp != stamp_) {
      auto ctx = Build();
      if (ctx.ok()) {
        current_ = std::move(*ctx);
        stamp_ = stamp;
        spdlog::info("re-read the TLS certificate from -{}tlsCertFile={}", options_.flag_prefix, options_.cert_file);
      } else {
        spdlog::error("keeping the previous TLS certificate: {}", ctx.status().message());
      }
    }
  }
  return current_;
}

std::string TlsContexts::FilesStamp() const {
  std::string out;
  for (const auto& f : {options_.cert_file, options_.key_file, options_.mtls_ca_file}) {
    struct stat st {};
    if (!f.empty() && ::stat(f.c_str(), &st) == 0) {
      out += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
             std::to_string(st.st_size) + ";";
    }
  }
  return out;
}

Result<std::shared_ptr<asio::ssl::context>> TlsContexts::Build() const {
  const std::string flag = "-" + options_.flag_prefix;
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  try {
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
    ctx->use_certificate_chain_file(options_.cert_file);
    ctx->use_private_key_file(options_.key_file, asio::ssl::context::pem);
    if (options_.mtls) {
      if (options_.mtls_ca_file.empty()) ctx->set_default_verify_paths();
      else ctx->load_verify_file(options_.mtls_ca_file);
      ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  } catch (const boost::system::system_error& e) {
    return Status::InvalidArgument("cannot load TLS certificate " + flag + "tlsCertFile=" + options_.cert_file + " " +
                                   flag + "tlsKeyFile=" + options_.key_file +
                                   (options_.mtls ? " -mtlsCAFile=" + options_.mtls_ca_file : "") + ": " + e.what());
  }
  SSL_CTX* native = ctx->native_handle();
  int min = TLS1_2_VERSION;
  if (options_.min_version == "TLS10") min = TLS1_VERSION;
  else if (options_.min_version == "TLS11") min = TLS1_1_VERSION;
  else if (options_.min_version == "TLS13") min = TLS1_3_VERSION;
  else if (!options_.min_version.empty() && options_.min_version != "TLS12") {
    return Status::InvalidArgument(flag + "tlsMinVersion: want TLS10, TLS11, TLS12 or TLS13, got " + options_.min_version);
  }
  SSL_CTX_set_min_proto_version(native, min);
  std::string tls12, tls13;
  for (const auto& c : options_.cipher_suites) {
    std::string& list = c.rfind("TLS_AES_", 0) == 0 || c.rfind("TLS_CHACHA20_", 0) == 0 ? tls13 : tls12;
    if (!list.empty()) list += ':';
    list += c;
  }
  if (!tls12.empty() && SSL_CTX_set_cipher_list(native, tls12.c_str()) != 1) {
    return Status::InvalidArgument(flag + "tlsCipherSuites: unknown cipher suites \"" + tls12 + "\"");
  }
  if (!tls13.empty() && SSL_CTX_set_ciphersuites(native, tls13.c_str()) != 1) {
    return Status::InvalidArgument(flag + "tlsCipherSuites: unknown TLS 1.3 cipher suites \"" + tls13 + "\"");
  }
  return ctx;
}

}  // namespace vl::http
