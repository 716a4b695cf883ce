#include "vl/http/server.h"
#include "vl/http/tls_context.h"
#include "vl/common/metrics.h"
#include "vl/common/thread_name.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <openssl/ssl.h>
#include <sys/stat.h>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace vl::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kResponseBufferBytes = 64 * 1024;
constexpr size_t kReadBufferBytes = 64 * 1024;
// Request line plus headers: long LogsQL queries travel in GET URLs (VictoriaLogs takes 1 MB).
constexpr size_t kMaxHeaderBytes = 1 << 20;

std::string CollapseSlashes(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  return out;
}

// Blocking socket I/O cannot time out by itself (Asio retries a read that SO_RCVTIMEO
// interrupted), so every wait on the peer is stamped on its connection and the server's reaper
// shuts down a socket whose wait outlasts -http.idleConnTimeout: besides idle keep-alive
// connections, a client that stops sending in the middle of a request body or stops reading a
// response no longer holds a server thread forever.
struct Connection {
  explicit Connection(tcp::socket* s) : socket(s) {}
  tcp::socket* socket;
  // Steady-clock nanoseconds since the current wait on the peer began; 0 = not waiting.
  std::atomic<int64_t> waiting_since_ns{0};
  std::atomic<bool> reaped{false};  // shut down by the reaper

  // Whether the connection waits for its next request. The connection's thread and whoever
  // closes idle connections (Stop(), the reaper) race for the header that may just have
  // arrived: one compare-and-swap decides, so a request is either served and answered, or
  // dropped unprocessed (the client sees the connection close and may safely send it again).
  // Shutting the socket down after the header was read let a request be processed without an
  // answer, and a router then stored its rows twice.
  enum Phase : int { kInRequest, kWaitingForRequest, kClosedWhileWaiting };
  std::atomic<int> phase{kInRequest};

  // Shuts the socket down if no request has started on it; false when one has.
  bool CloseIfWaiting() {
    int expected = kWaitingForRequest;
    if (!phase.compare_exchange_strong(expected, kClosedWhileWaiting)) return false;
    ::shutdown(socket->native_handle(), SHUT_RDWR);
    return true;
  }
  // After the header was read: true when the request may be served.
  bool StartRequest() {
    int expected = kWaitingForRequest;
    return phase.compare_exchange_strong(expected, kInRequest);
  }
};

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Stamps the connection as waiting on its peer for the guard's lifetime (no-op for nullptr:
// the timeout is off).
class WaitingOnPeer {
 public:
  explicit WaitingOnPeer(Connection* conn) : conn_(conn) {
    if (conn_) conn_->waiting_since_ns.store(SteadyNanos(), std::memory_order_relaxed);
  }
  ~WaitingOnPeer() {
    if (conn_) conn_->waiting_since_ns.store(0, std::memory_order_relaxed);
  }
  WaitingOnPeer(const WaitingOnPeer&) = delete;
  WaitingOnPeer& operator=(const WaitingOnPeer&) = delete;

 private:
  Connection* conn_;
};

template <class Stream>
class BeastBodyReader : public BodyReader {
 public:
  BeastBodyReader(Stream& socket, beast::flat_buffer& buffer,
                  bhttp::request_parser<bhttp::buffer_body>& parser, Connection* watched)
      : socket_(socket), buffer_(buffer), parser_(parser), watched_(watched) {}

  Result<size_t> Read(char* buf, size_t n) override {
    while (!parser_.is_done()) {
      parser_.get().body().data = buf;
      parser_.get().body().size = n;
      beast::error_code ec;
      {
        WaitingOnPeer wait(watched_);
        bhttp::read(socket_, buffer_, parser_, ec);
      }
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) return Status::IOError("cannot read request body: " + ec.message());
      size_t got = n - parser_.get().body().size;
      if (got > 0) return got;
    }
    return size_t{0};
  }

 private:
  Stream& socket_;
  beast::flat_buffer& buffer_;
  bhttp::request_parser<bhttp::buffer_body>& parser_;
  Connection* watched_;
};

template <class Stream>
class BeastResponseWriter : public ResponseWriter {
 public:
  BeastResponseWriter(Stream& socket, unsigned version, bool keep_alive, Connection* watched)
      : socket_(socket), version_(version), keep_alive_(keep_alive), watched_(watched) {}

  void SetStatus(int code) override { status_ = code; }
  void SetHeader(std::string name, std::string value) override {
    headers_.emplace_back(std::move(name), std::move(value));
  }
  bool headers_sent() const override { return headers_sent_; }
  bool Flush() override { return !failed_ && FlushChunk(); }
  bool ClientGone() const override {
    pollfd p{};
    p.fd = beast::get_lowest_layer(socket_).native_handle();
    p.events = POLLRDHUP;
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  bool Write(std::string_view data) override {
    if (failed_) return false;
    pending_.append(data);
    if (pending_.size() >= kResponseBufferBytes) return FlushChunk();
    return true;
  }

  // Sends whatever is left; returns whether the connection can be kept alive.
  bool Finish() {
    if (failed_) return false;
    if (!headers_sent_) {
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status_), version_};
      ApplyHeaders(res.base());
      res.keep_alive(keep_alive_);
      res.body() = std::move(pending_);
      res.prepare_payload();
      beast::error_code ec;
      WaitingOnPeer wait(watched_);
      bhttp::write(socket_, res, ec);
      return !ec && keep_alive_;
    }
    if (!pending_.empty() && !FlushChunk()) return false;
    beast::error_code ec;
    WaitingOnPeer wait(watched_);
    asio::write(socket_, bhttp::make_chunk_last(), ec);
    return !ec && keep_alive_;
  }

  // Ends a streamed response abruptly so the client sees a truncated body.
  void Abort() { failed_ = true; }

 private:
  template <class Header>
  void ApplyHeaders(Header& h) {
    for (auto& [name, value] : headers_) h.set(name, value);
  }

  bool FlushChunk() {
    beast::error_code ec;
    WaitingOnPeer wait(watched_);
    if (!headers_sent_) {
      bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status_), version_};
      ApplyHeaders(res.base());
      res.keep_alive(keep_alive_);
      res.chunked(true);
      bhttp::response_serializer<bhttp::empty_body> sr{res};
      bhttp::write_header(socket_, sr, ec);
      headers_sent_ = true;
      if (ec) return Fail();
    }
    if (!pending_.empty()) {
      asio::write(socket_, bhttp::make_chunk(asio::buffer(pending_)), ec);
      pending_.clear();
      if (ec) return Fail();
    }
    return true;
  }

  bool Fail() {
    failed_ = true;
    return false;
  }

  Stream& socket_;
  unsigned version_;
  bool keep_alive_;
  Connection* watched_;
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string pending_;
  bool headers_sent_ = false;
  bool failed_ = false;
};

class ServerImpl : public Server {
 public:
  ServerImpl(const ServerOptions& options, Handler handler)
      : options_(options), handler_(std::move(handler)), acceptor_(io_) {}

  ~ServerImpl() override { Stop(); }

  Status Listen() {
    if (options_.tls.enabled) {
      tls_ = std::make_unique<TlsContexts>(options_.tls);
      VL_RETURN_IF_ERROR(tls_->Load());
    }
    std::string host = "0.0.0.0";
    std::string port_text = options_.listen_addr;
    size_t colon = options_.listen_addr.rfind(':');
    if (colon != std::string::npos) {
      host = options_.listen_addr.substr(0, colon);
      port_text = options_.listen_addr.substr(colon + 1);
      if (host.empty()) host = "0.0.0.0";
      if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    }
    beast::error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(host, port_text, ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument("cannot resolve listen address " + options_.listen_addr + ": " + ec.message());
    }
    tcp::endpoint endpoint = results.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IOError("cannot listen on " + options_.listen_addr + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
    if (options_.idle_conn_timeout_ms > 0) reaper_thread_ = std::thread([this] { ReapStalledLoop(); });
    return Status::OK();
  }

  int port() const override { return port_; }
  std::string bound_address() const override {
    beast::error_code ec;
    const tcp::endpoint ep = acceptor_.local_endpoint(ec);
    if (ec) return ":" + std::to_string(port_);
    const std::string host = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
  }

  void Stop() override {
    if (stopping_.exchange(true)) return;
    // Wakes the accept thread blocked in accept(); closing alone would not.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    if (accept_thread_.joinable()) accept_thread_.join();
    beast::error_code ec;
    acceptor_.close(ec);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.notify_all();  // the reaper
    // Idle keep-alive connections are waiting for a request that will not come: close them now.
    for (Connection* c : all_) c->CloseIfWaiting();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.max_graceful_shutdown_ms);
    if (!cv_.wait_until(lock, deadline, [this] { return active_ == 0; })) {
      spdlog::warn("http server: {} connections still busy after graceful shutdown period; closing them", active_);
      for (Connection* c : all_) ::shutdown(c->socket->native_handle(), SHUT_RDWR);
      cv_.wait_for(lock, std::chrono::seconds(5), [this] { return active_ == 0; });
    }
    lock.unlock();
    if (reaper_thread_.joinable()) reaper_thread_.join();
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      beast::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) {
        if (stopping_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
      ++active_;
      std::thread([this, sp = std::make_unique<tcp::socket>(std::move(socket))]() mutable {
        SetThreadName("vl-http");
        ServeConnection(*sp);
        // The socket is destroyed while the server, whose io_context its destructor uses, still
        // exists: Stop() returns (and the destructor runs) only once active_ reaches zero.
        sp.reset();
        std::lock_guard<std::mutex> done(mu_);
        --active_;
        cv_.notify_all();
      }).detach();
    }
  }

  // Waiting for the next request on a keep-alive connection: Stop() closes these at once.
  void WaitForRequest(Connection* c) {
    c->waiting_since_ns.store(SteadyNanos(), std::memory_order_relaxed);
    c->phase.store(Connection::kWaitingForRequest);
    if (stopping_) c->CloseIfWaiting();
  }

  // -http.idleConnTimeout: a socket that has waited on its peer longer than the timeout (for the
  // next request, for more of a body, for the client to take a response) is shut down, which
  // ends the blocking call of its thread.
  void ReapStalledLoop() {
    const auto timeout = std::chrono::milliseconds(options_.idle_conn_timeout_ms);
    const auto tick = std::clamp<std::chrono::milliseconds>(timeout / 4, std::chrono::milliseconds(50),
                                                            std::chrono::milliseconds(1000));
    std::atomic<uint64_t>& closed_total = Metrics::Global().Counter("vl_http_idle_conns_closed_total");
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, tick, [this] { return stopping_.load(); });
      const int64_t now = SteadyNanos();
      for (Connection* c : all_) {
        const int64_t since = c->waiting_since_ns.load(std::memory_order_relaxed);
        if (since == 0 || now - since < std::chrono::nanoseconds(timeout).count()) continue;
        // Idle between requests: closed unless a request has just started. Stalled in the
        // middle of one (body or response): closed, the request fails.
        if (c->phase.load() == Connection::kInRequest) {
          ::shutdown(c->socket->native_handle(), SHUT_RDWR);
        } else if (!c->CloseIfWaiting()) {
          continue;
        }
        c->reaped.store(true);
        c->waiting_since_ns.store(0, std::memory_order_relaxed);
        closed_total++;
      }
    }
  }

  // Serves requests until the connection ends; the caller then destroys the socket.
  void ServeConnection(tcp::socket& socket) {
    Connection conn(&socket);
    {
      std::lock_guard<std::mutex> lock(mu_);
      all_.insert(&conn);
    }
    socket.set_option(tcp::no_delay(true));
    if (tls_) {
      // The context of the moment: a rotated certificate is picked up by new connections.
      std::shared_ptr<asio::ssl::context> ctx = tls_->Current();
      asio::ssl::stream<tcp::socket&> stream(socket, *ctx);
      beast::error_code ec;
      {
        WaitingOnPeer wait(options_.idle_conn_timeout_ms > 0 ? &conn : nullptr);  // a stalled handshake is reaped
        stream.handshake(asio::ssl::stream_base::server, ec);
      }
      if (ec) {
        Metrics::Global().Counter("vl_http_tls_handshake_errors_total")++;
        spdlog::debug("http: TLS handshake with {} failed: {}", PeerAddress(socket), ec.message());
      } else {
        ServeRequests(stream, conn);
      }
    } else {
      ServeRequests(socket, conn);
    }
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    std::lock_guard<std::mutex> lock(mu_);
    all_.erase(&conn);
  }

  static std::string PeerAddress(tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  template <class Stream>
  void ServeRequests(Stream& socket, Connection& conn) {
    const auto opened = std::chrono::steady_clock::now();
    const int fd = beast::get_lowest_layer(socket).native_handle();
    beast::flat_buffer buffer;
    // Beast reads at most the buffer's free capacity per recv (512 bytes for a fresh buffer):
    // without room, a 3 MB body took 6,000 system calls.
    buffer.reserve(kReadBufferBytes);
    for (;;) {
      WaitForRequest(&conn);
      bhttp::request_parser<bhttp::buffer_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // bodies are streamed
      parser.header_limit(kMaxHeaderBytes);
      beast::error_code ec;
      bhttp::read_header(socket, buffer, parser, ec);
      conn.waiting_since_ns.store(0, std::memory_order_relaxed);
      if (!conn.StartRequest()) break;  // closed by Stop() or the reaper: not served, not answered
      if (ec == bhttp::error::need_buffer) ec = {};  // body bytes arrived with the header
      if (ec == bhttp::error::header_limit) {
        Metrics::Global().Counter("vl_http_request_header_too_large_total")++;
        bhttp::response<bhttp::string_body> res{bhttp::status::request_header_fields_too_large, 11};
        res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
        res.body() = "request line and headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes\n";
        res.keep_alive(false);
        res.prepare_payload();
        beast::error_code write_ec;
        bhttp::write(socket, res, write_ec);
        // Closing with unread bytes would reset the connection, and the client could lose the
        // answer: stop sending, then take what it still sends (bounded, 1 s per read).
        ::shutdown(fd, SHUT_WR);
        timeval tv{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        char discard[64 * 1024];
        for (size_t drained = 0; drained < (8u << 20);) {
          const ssize_t n = ::recv(fd, discard, sizeof(discard), 0);
          if (n <= 0) break;
          drained += static_cast<size_t>(n);
        }
        break;
      }
      if (ec) {
        // A connection closed by the idle reaper reads EOF or a reset: not worth a warning.
        if (ec != bhttp::error::end_of_stream && ec != asio::error::connection_reset && !conn.reaped.load()) {
          spdlog::warn("http: closing connection: {}", ec.message());
        }
        break;
      }
      const bool too_old =
          options_.conn_timeout_ms > 0 &&
          std::chrono::steady_clock::now() - opened >= std::chrono::milliseconds(options_.conn_timeout_ms);
      if (!ServeRequest(socket, &conn, buffer, parser, too_old)) break;
    }
  }

  // Returns whether the connection may serve another request.
  // `last` (the connection reached -http.connTimeout): answer with `Connection: close`.
  template <class Stream>
  bool ServeRequest(Stream& socket, Connection* conn, beast::flat_buffer& buffer,
                    bhttp::request_parser<bhttp::buffer_body>& parser, bool last) {
    auto& msg = parser.get();
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target(msg.target().data(), msg.target().size());
    size_t q = target.find('?');
    req.path = CollapseSlashes(target.substr(0, q));
    if (q != std::string_view::npos) {
      req.raw_query = std::string(target.substr(q + 1));
      ParseQueryString(req.raw_query, &req.args);
    }
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      req.headers[name] = std::string(field.value());
    }
    if (beast::iequals(beast::string_view(req.Header("expect").data(), req.Header("expect").size()), "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, msg.version()};
      beast::error_code ec;
      bhttp::write(socket, cont, ec);
      if (ec) return false;
    }
    Connection* watched = options_.idle_conn_timeout_ms > 0 ? conn : nullptr;
    BeastBodyReader<Stream> body(socket, buffer, parser, watched);
    BeastResponseWriter<Stream> writer(socket, msg.version(), msg.keep_alive() && !stopping_ && !last, watched);
    writer.SetHeader("X-Server-Hostname", Hostname());
    handler_(req, body, writer);
    bool keep_alive = writer.Finish();
    // Unread body bytes would be parsed as the next request: drain a little, else close.
    if (keep_alive && !parser.is_done()) {
      char sink[16 * 1024];
      size_t drained = 0;
      while (drained < (1 << 20)) {
        auto n = body.Read(sink, sizeof(sink));
        if (!n.ok() || *n == 0) break;
        drained += *n;
      }
      keep_alive = parser.is_done();
    }
    return keep_alive && !stopping_;
  }

  static const std::string& Hostname() {
    static const std::string name = [] {
      char buf[256] = {0};
      gethostname(buf, sizeof(buf) - 1);
      return std::string(buf);
    }();
    return name;
  }

  ServerOptions options_;
  std::unique_ptr<TlsContexts> tls_;  // set when the listener speaks HTTPS
  Handler handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  std::set<Connection*> all_;
  std::thread reaper_thread_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<ServerImpl>(options, std::move(handler));
  VL_RETURN_IF_ERROR(server->Listen());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace vl::http
