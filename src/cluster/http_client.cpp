// Blocking calls over Beast's async API: each connection owns an io_context that is run until
// the one pending operation completes, so tcp_stream's per-operation timeouts work.
#include "vl/cluster/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <limits>
#include <mutex>

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
  beast::flat_buffer buffer;
};

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
      conn_->stream.expires_after(std::chrono::milliseconds(io_timeout_ms_));
      error_code ec = RunOp(*conn_, [&](auto handler) {
        bhttp::async_read_some(conn_->stream, conn_->buffer, *parser_, std::move(handler));
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
  Client(std::string addr, ClientOptions options) : addr_(std::move(addr)), options_(options) {
    size_t colon = addr_.rfind(':');
    host_ = addr_.substr(0, colon);
    port_ = colon == std::string::npos ? "80" : addr_.substr(colon + 1);
  }

  const std::string& addr() const override { return addr_; }

  Result<std::unique_ptr<ResponseStream>> Send(const ClientRequest& request) override {
    // A pooled connection may have been closed by the peer while idle; such a failure before
    // any response byte means the request was not processed, so one retry on a fresh
    // connection is safe.
    std::unique_ptr<Connection> conn = TakeIdle();
    if (conn) {
      auto r = SendOn(std::move(conn), request);
      if (r.ok()) return r;
    }
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

  Result<std::unique_ptr<Connection>> Connect() {
    auto conn = std::make_unique<Connection>();
    net::ip::tcp::resolver resolver(conn->ioc);
    error_code ec;
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec) return Status::Unavailable("cannot resolve " + addr_ + ": " + ec.message());
    conn->stream.expires_after(std::chrono::milliseconds(options_.connect_timeout_ms));
    ec = RunOp(*conn, [&](auto handler) { conn->stream.async_connect(endpoints, std::move(handler)); });
    if (ec) return Status::Unavailable("cannot connect to " + addr_ + ": " + ec.message());
    conn->stream.socket().set_option(net::ip::tcp::no_delay(true), ec);
    return conn;
  }

  Result<std::unique_ptr<ResponseStream>> SendOn(std::unique_ptr<Connection> conn, const ClientRequest& request) {
    bhttp::request<bhttp::span_body<const char>> req;
    req.method(bhttp::string_to_verb(request.method));
    req.target(request.target);
    req.version(11);
    req.set(bhttp::field::host, addr_);
    req.keep_alive(true);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    req.body() = bhttp::span_body<const char>::value_type(request.body.data(), request.body.size());
    req.prepare_payload();
    conn->stream.expires_after(std::chrono::milliseconds(options_.io_timeout_ms));
    error_code ec = RunOp(*conn, [&](auto handler) { bhttp::async_write(conn->stream, req, std::move(handler)); });
    if (ec) return Status::Unavailable("cannot send request to " + addr_ + ": " + ec.message());
    auto parser = std::make_unique<bhttp::response_parser<bhttp::buffer_body>>();
    // Not boost::none: Boost 1.74 compares Content-Length against an empty optional as "exceeded".
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    conn->stream.expires_after(std::chrono::milliseconds(options_.io_timeout_ms));
    ec = RunOp(*conn, [&](auto handler) {
      bhttp::async_read_header(conn->stream, conn->buffer, *parser, std::move(handler));
    });
    if (ec) return Status::Unavailable("cannot read response from " + addr_ + ": " + ec.message());
    return std::unique_ptr<ResponseStream>(
        std::make_unique<Stream>(this, std::move(conn), std::move(parser), options_.io_timeout_ms));
  }

  std::string addr_, host_, port_;
  ClientOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

Stream::~Stream() {
  // Only a fully read, keep-alive response leaves the connection in a reusable state.
  if (!failed_ && parser_->is_done() && parser_->keep_alive()) {
    conn_->buffer.consume(conn_->buffer.size());
    client_->ReturnIdle(std::move(conn_));
  }
}

}  // namespace

std::unique_ptr<HttpClient> HttpClient::Create(const std::string& addr, ClientOptions options) {
  return std::make_unique<Client>(addr, options);
}

}  // namespace vl::cluster
