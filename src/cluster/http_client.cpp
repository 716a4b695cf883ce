// Blocking calls over Beast's async API: each connection owns an io_context that is run until
// the one pending operation completes, so tcp_stream's per-operation timeouts work.
#include "vl/cluster/http_client.h"
#include "vl/common/metrics.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>

namespace vl::cluster {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

Result<std::string> ResponseStream::ReadAll(size_t limit) {
  std::string out;
  char buf[16384];
  for (;;) {
    auto n = Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    if (out.size() + *n > limit) return Status::ResourceExhausted("response body too large");
    out.append(buf, *n);
  }
}

Status ResponseStream::ReadExactly(char* buf, size_t n) {
  while (n > 0) {
    auto got = Read(buf, n);
    if (!got.ok()) return got.status();
    if (*got == 0) return Status::Unavailable("response body ended early");
    buf += *got;
    n -= *got;
  }
  return Status::OK();
}

namespace {

struct Connection {
  // Beast reads at most the buffer's free capacity per recv: give it room for big responses.
  Connection() { buffer.reserve(64 * 1024); }
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  // HTTPS: the TLS layer over a stream of its own (then `stream` is unused).
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : stream; }
  // Calls fn with whichever stream carries HTTP.
  template <class F>
  auto With(F&& fn) {
    if (tls) return fn(*tls);
    return fn(stream);
  }
};

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kAlphabet[(v >> k) & 63]);
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

// A secret given inline or in a file; the file is re-read at most once a second.
class Secret {
 public:
  Secret(std::string inline_value, std::string file) : value_(std::move(inline_value)), file_(std::move(file)) {}
  bool empty() const { return value_.empty() && file_.empty(); }
  std::string Get() {
    if (file_.empty()) return value_;
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now - read_at_ >= std::chrono::seconds(1) || !read_) {
      std::ifstream in(file_);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string v = ss.str();
      while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
      if (in.good() || !v.empty()) cached_ = v;
      read_at_ = now;
      read_ = true;
    }
    return cached_;
  }

 private:
  std::string value_, file_;
  std::mutex mu_;
  std::string cached_;
  std::chrono::steady_clock::time_point read_at_;
  bool read_ = false;
};

bool IsIpAddress(const std::string& host) {
  error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// Runs one async operation to completion on the connection's own io_context.
template <class Start>
error_code RunOp(Connection& c, Start&& start) {
  error_code result;
  start([&result](error_code ec, auto&&...) { result = ec; });
  c.ioc.restart();
  c.ioc.run();
  return result;
}

class Client;

class Stream : public ResponseStream {
 public:
  Stream(Client* client, std::unique_ptr<Connection> conn, std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> p,
         int io_timeout_ms)
      : client_(client), conn_(std::move(conn)), parser_(std::move(p)), io_timeout_ms_(io_timeout_ms) {}
  ~Stream() override;

  int status() const override { return static_cast<int>(parser_->get().result_int()); }
  std::string Header(const std::string& lower_name) const override {
    auto it = parser_->get().find(lower_name);
    return it == parser_->get().end() ? std::string() : std::string(it->value());
  }
  // 0 only at the end of the body: a read that parses just a chunk header (or nothing yet)
  // goes on reading, since callers take 0 for the end of the answer.
  Result<size_t> Read(char* buf, size_t n) override {
    auto& body = parser_->get().body();
    while (!parser_->is_done()) {
      body.data = buf;
      body.size = n;
      conn_->tcp().expires_after(std::chrono::milliseconds(io_timeout_ms_));
      error_code ec = conn_->With([&](auto& stream) {
        return RunOp(*conn_, [&](auto handler) {
          bhttp::async_read_some(stream, conn_->buffer, *parser_, std::move(handler));
        });
      });
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        failed_ = true;
        return Status::Unavailable("cannot read response body: " + ec.message());
      }
      if (body.size < n) return n - body.size;
    }
    return size_t{0};
  }

 private:
  Client* client_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> parser_;
  int io_timeout_ms_;
  bool failed_ = false;
};

class Client : public HttpClient {
 public:
  Client(std::string addr, ClientOptions options)
      : addr_(std::move(addr)), options_(options),
        password_(options.security.password, options.security.password_file),
        bearer_(options.security.bearer_token, options.security.bearer_token_file) {
    size_t colon = addr_.rfind(':');
    host_ = addr_.substr(0, colon);
    port_ = colon == std::string::npos ? "80" : addr_.substr(colon + 1);
    if (options_.security.tls) setup_ = SetUpTls();
  }
  ~Client() override {
    if (session_) SSL_SESSION_free(session_);
  }

  const std::string& addr() const override { return addr_; }
  uint64_t tls_handshakes() const override { return handshakes_.load(); }
  uint64_t tls_resumed() const override { return resumed_.load(); }

  Result<std::unique_ptr<ResponseStream>> Send(const ClientRequest& request) override {
    // A pooled connection may have been closed by the peer while idle; such a failure before
    // any response byte means the request was not processed, so one retry on a fresh
    // connection is safe.
    std::unique_ptr<Connection> conn = TakeIdle();
    if (conn) {
      auto r = SendOn(std::move(conn), request);
      if (r.ok()) return r;
    }
    Metrics::Global().Counter("vl_storage_node_connections_opened_total")++;
    auto fresh = Connect();
    if (!fresh.ok()) return fresh.status();
    return SendOn(std::move(*fresh), request);
  }

  void ReturnIdle(std::unique_ptr<Connection> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(conn));
  }

 private:
  std::unique_ptr<Connection> TakeIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.empty()) return nullptr;
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }

  // The TLS settings of this node: its CA, client certificate and the name to verify.
  Status SetUpTls() {
    const NodeSecurity& sec = options_.security;
    try {
      tls_ctx_.emplace(net::ssl::context::tls_client);
      tls_ctx_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                            net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
      if (sec.insecure_skip_verify) {
        tls_ctx_->set_verify_mode(net::ssl::verify_none);
      } else {
        tls_ctx_->set_verify_mode(net::ssl::verify_peer);
        if (sec.ca_file.empty()) tls_ctx_->set_default_verify_paths();
        else tls_ctx_->load_verify_file(sec.ca_file);
      }
      if (!sec.cert_file.empty()) {
        tls_ctx_->use_certificate_chain_file(sec.cert_file);
        tls_ctx_->use_private_key_file(sec.key_file.empty() ? sec.cert_file : sec.key_file, net::ssl::context::pem);
      }
    } catch (const boost::system::system_error& e) {
      return Status::InvalidArgument("cannot set up TLS towards storage node " + addr_ +
                                     " (-storageNode.tlsCAFile/-storageNode.tlsCertFile/-storageNode.tlsKeyFile): " +
                                     e.what());
    }
    return Status::OK();
  }

  Result<std::unique_ptr<Connection>> Connect() {
    if (!setup_.ok()) return Status::Unavailable(setup_.message());
    auto conn = std::make_unique<Connection>();
    net::ip::tcp::resolver resolver(conn->ioc);
    error_code ec;
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec) return Status::Unavailable("cannot resolve " + addr_ + ": " + ec.message());
    if (tls_ctx_) conn->tls.emplace(conn->ioc, *tls_ctx_);
    conn->tcp().expires_after(std::chrono::milliseconds(options_.connect_timeout_ms));
    ec = RunOp(*conn, [&](auto handler) { conn->tcp().async_connect(endpoints, std::move(handler)); });
    if (ec) return Status::Unavailable("cannot connect to " + addr_ + ": " + ec.message());
    conn->tcp().socket().set_option(net::ip::tcp::no_delay(true), ec);
    if (conn->tls) VL_RETURN_IF_ERROR(Handshake(*conn));
    return conn;
  }

  Status Handshake(Connection& conn) {
    const NodeSecurity& sec = options_.security;
    const std::string name = sec.server_name.empty() ? host_ : sec.server_name;
    SSL* ssl = conn.tls->native_handle();
    if (!IsIpAddress(name)) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (!sec.insecure_skip_verify) conn.tls->set_verify_callback(net::ssl::host_name_verification(name));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (session_) SSL_set_session(ssl, session_);  // resume: no full handshake
    }
    conn.tcp().expires_after(std::chrono::milliseconds(options_.connect_timeout_ms));
    error_code ec = RunOp(conn, [&](auto handler) {
      conn.tls->async_handshake(net::ssl::stream_base::client, std::move(handler));
    });
    if (ec) {
      std::string why = ec.message();
      const long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK) {
        why += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + "; it must be trusted by " +
               (sec.ca_file.empty() ? std::string("the system's CAs") : "-storageNode.tlsCAFile=" + sec.ca_file) +
               " and name \"" + name + "\")";
      }
      return Status::Unavailable("TLS handshake with storage node " + addr_ + " failed: " + why);
    }
    ++handshakes_;
    Metrics::Global().Counter("vl_storage_node_tls_handshakes_total")++;
    if (SSL_session_reused(ssl)) {
      ++resumed_;
      Metrics::Global().Counter("vl_storage_node_tls_resumed_total")++;
    }
    KeepSession(ssl);
    return Status::OK();
  }

  void KeepSession(SSL* ssl) {
    SSL_SESSION* s = SSL_get1_session(ssl);
    if (!s) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (session_) SSL_SESSION_free(session_);
    session_ = s;
  }

 public:
  // After a response: TLS 1.3 hands out its resumable session after the handshake.
  void OnResponseRead(Connection& conn) {
    if (conn.tls) KeepSession(conn.tls->native_handle());
  }

 private:
  void AddAuth(bhttp::request<bhttp::span_body<const char>>& req) {
    const NodeSecurity& sec = options_.security;
    if (!sec.username.empty() || !password_.empty()) {
      req.set(bhttp::field::authorization, "Basic " + Base64(sec.username + ":" + password_.Get()));
    } else if (!bearer_.empty()) {
      req.set(bhttp::field::authorization, "Bearer " + bearer_.Get());
    }
  }

  Result<std::unique_ptr<ResponseStream>> SendOn(std::unique_ptr<Connection> conn, const ClientRequest& request) {
    bhttp::request<bhttp::span_body<const char>> req;
    req.method(bhttp::string_to_verb(request.method));
    req.target(request.target);
    req.version(11);
    req.set(bhttp::field::host, addr_);
    req.keep_alive(true);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    AddAuth(req);
    req.body() = bhttp::span_body<const char>::value_type(request.body.data(), request.body.size());
    req.prepare_payload();
    conn->tcp().expires_after(std::chrono::milliseconds(options_.io_timeout_ms));
    error_code ec = conn->With([&](auto& stream) {
      return RunOp(*conn, [&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); });
    });
    if (ec) return Status::Unavailable("cannot send request to " + addr_ + ": " + ec.message());
    auto parser = std::make_unique<bhttp::response_parser<bhttp::buffer_body>>();
    // Not boost::none: Boost 1.74 compares Content-Length against an empty optional as "exceeded".
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    conn->tcp().expires_after(std::chrono::milliseconds(options_.io_timeout_ms));
    ec = conn->With([&](auto& stream) {
      return RunOp(*conn, [&](auto handler) {
        bhttp::async_read_header(stream, conn->buffer, *parser, std::move(handler));
      });
    });
    if (ec) {
      std::string hint;
      if (!conn->tls && ec == bhttp::error::end_of_stream) hint = " (if the node serves HTTPS, set -storageNode.tls)";
      return Status::Unavailable("cannot read response from " + addr_ + ": " + ec.message() + hint);
    }
    return std::unique_ptr<ResponseStream>(
        std::make_unique<Stream>(this, std::move(conn), std::move(parser), options_.io_timeout_ms));
  }

  std::string addr_, host_, port_;
  ClientOptions options_;
  Secret password_, bearer_;
  std::optional<net::ssl::context> tls_ctx_;
  Status setup_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  SSL_SESSION* session_ = nullptr;  // the last session, to resume on new connections
  std::atomic<uint64_t> handshakes_{0}, resumed_{0};
};

Stream::~Stream() {
  // Only a fully read, keep-alive response leaves the connection in a reusable state.
  if (!failed_ && parser_->is_done() && parser_->keep_alive()) {
    client_->OnResponseRead(*conn_);
    conn_->buffer.consume(conn_->buffer.size());
    client_->ReturnIdle(std::move(conn_));
  }
}

}  // namespace

std::unique_ptr<HttpClient> HttpClient::Create(const std::string& addr, ClientOptions options) {
  return std::make_unique<Client>(addr, options);
}

}  // namespace vl::cluster
