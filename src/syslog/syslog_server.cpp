#include "vl/syslog/syslog_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

#include "vl/common/metrics.h"
#include "vl/common/thread_name.h"
#include "vl/http/tls_context.h"
#include "vl/insert/decompressor.h"

namespace vl::syslog {

namespace {

constexpr size_t kCommitRows = 16 * 1024;
constexpr size_t kReadBytes = 64 * 1024;
constexpr int kStopCheckMs = 1000;     // how often idle threads look at the stop flag
constexpr int kHandshakeTimeoutS = 10;  // a TLS client that never finishes its handshake
constexpr int kStalledRecordTimeoutS = 30;
// Reads of already-queued bytes on Stop() (a sender that never pauses must not hold it up).
constexpr int kMaxDrainReads = 1024;

using Clock = std::chrono::steady_clock;

const char* TransportName(ListenerOptions::Transport t) {
  return t == ListenerOptions::Transport::kTcp ? "tcp" : "udp";
}

struct Counters {
  explicit Counters(const char* transport)
      : rows(Metrics::Global().Counter(std::string("vl_rows_ingested_total{type=\"syslog_") + transport + "\"}")),
        bytes(Metrics::Global().Counter(std::string("vl_bytes_ingested_total{type=\"syslog_") + transport + "\"}")),
        skipped(Metrics::Global().Counter(std::string("vl_insert_records_skipped_total{type=\"syslog_") + transport +
                                          "\"}")) {}
  std::atomic<uint64_t>& rows;
  std::atomic<uint64_t>& bytes;
  std::atomic<uint64_t>& skipped;
  std::atomic<uint64_t>& errors = Metrics::Global().Counter("vl_errors_total{type=\"syslog\"}");
  std::atomic<uint64_t>& too_long = Metrics::Global().Counter("vl_too_long_lines_skipped_total");
  // VictoriaLogs' metric names, typo included, so existing dashboards keep working.
  std::atomic<uint64_t>& udp_requests = Metrics::Global().Counter("vl_udp_reqests_total{type=\"syslog\"}");
  std::atomic<uint64_t>& udp_errors = Metrics::Global().Counter("vl_udp_errors_total{type=\"syslog\"}");
  std::atomic<uint64_t>& tls_handshake_errors = Metrics::Global().Counter("vl_syslog_tls_handshake_errors_total");
};

// Splits `host:port`, `[v6]:port` or `:port`.
Status SplitAddress(const std::string& addr, std::string* host, std::string* port) {
  const size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon + 1 == addr.size()) {
    return Status::InvalidArgument("want host:port, got \"" + addr + "\"");
  }
  *host = addr.substr(0, colon);
  *port = addr.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  return Status::OK();
}

Result<int> Bind(const ListenerOptions& l) {
  std::string host, port;
  VL_RETURN_IF_ERROR(SplitAddress(l.address, &host, &port));
  const bool tcp = l.transport == ListenerOptions::Transport::kTcp;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  // An empty host means every interface: IPv6 with IPv4 mapped when the machine has IPv6.
  const char* node = host.empty() ? nullptr : host.c_str();
  if (node == nullptr) hints.ai_family = AF_INET6;
  int rc = getaddrinfo(node, port.c_str(), &hints, &res);
  if (rc != 0 && node == nullptr) {
    hints.ai_family = AF_INET;
    rc = getaddrinfo(node, port.c_str(), &hints, &res);
  }
  if (rc != 0) return Status::InvalidArgument("cannot resolve \"" + l.address + "\": " + gai_strerror(rc));
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    const int one = 1, zero = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (!tcp) {
      // Bursts of datagrams wait in the kernel while a batch is committed.
      const int rcvbuf = 4 << 20;
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || (tcp && ::listen(fd, 128) != 0)) {
      last_error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return Status::InvalidArgument("cannot listen on \"" + l.address + "\": " + last_error);
  return fd;
}

std::string BoundAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "";
  char host[INET6_ADDRSTRLEN] = {};
  char port[16] = {};
  getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, port, sizeof port,
              NI_NUMERICHOST | NI_NUMERICSERV);
  return ss.ss_family == AF_INET6 ? "[" + std::string(host) + "]:" + port : std::string(host) + ":" + port;
}

std::string PeerAddress(const sockaddr_storage& ss, socklen_t len) {
  char host[INET6_ADDRSTRLEN] = {};
  char port[16] = {};
  getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host, sizeof host, port, sizeof port,
              NI_NUMERICHOST | NI_NUMERICSERV);
  return std::string(host) + ":" + port;
}

// One sender's rows on their way to storage: parsing into a RowWriter, committed by size and
// by age, with skipped messages counted and logged (at most every 5 s per sender).
class Ingester {
 public:
  Ingester(const ListenerOptions& l, insert::RowStore* rows, Counters& counters, int64_t commit_interval_ms,
           std::string who)
      : listener_(l), writer_(rows->NewWriter()), stream_(l.stream, writer_.get()), counters_(counters),
        interval_(std::chrono::milliseconds(commit_interval_ms)), who_(std::move(who)) {}

  // Decoded bytes of the stream.
  void Feed(std::string_view data) {
    counters_.bytes += data.size();
    stream_.Feed(data);
  }
  void EndOfStream() { stream_.Finish(); }

  // Commits when enough rows wait or the oldest has waited long enough (`force`: whatever waits).
  void MaybeCommit(bool force) {
    ReportSkipped();
    const size_t pending = writer_->pending_rows();
    if (pending == 0) return;
    if (!force && pending < kCommitRows && Clock::now() - last_commit_ < interval_) return;
    uint64_t accepted = 0;
    Status s = writer_->Commit(&accepted);
    last_commit_ = Clock::now();
    counters_.rows += accepted;
    if (!s.ok()) {
      // Nobody to tell: syslog has no replies. Counted and logged; see docs/compatibility.md.
      counters_.errors++;
      spdlog::error("syslog {}: cannot store {} rows from {}: {}", listener_.address, pending, who_, s.message());
    }
  }

  // How long a read may wait before the next commit is due.
  int WaitMs() const {
    if (writer_->pending_rows() == 0) return kStopCheckMs;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(last_commit_ + interval_ - Clock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count(), 0, kStopCheckMs));
  }

  void set_who(std::string who) { who_ = std::move(who); }

 private:
  void ReportSkipped() {
    const uint64_t bad = stream_.messages_bad(), too_long = stream_.messages_too_long();
    if (bad == reported_bad_ && too_long == reported_too_long_) return;
    const uint64_t fresh = bad - reported_bad_ + too_long - reported_too_long_;
    counters_.skipped += bad - reported_bad_;
    counters_.too_long += too_long - reported_too_long_;
    counters_.errors += bad - reported_bad_;
    reported_bad_ = bad;
    reported_too_long_ = too_long;
    unlogged_ += fresh;
    const auto now = Clock::now();
    if (now - last_log_ >= std::chrono::seconds(5)) {
      spdlog::warn("syslog {}: skipped {} message(s) from {}; the last: {}", listener_.address, unlogged_, who_,
                   stream_.last_error());
      unlogged_ = 0;
      last_log_ = now;
    }
  }

  const ListenerOptions& listener_;
  std::unique_ptr<insert::RowWriter> writer_;
  SyslogStream stream_;
  Counters& counters_;
  Clock::duration interval_;
  Clock::time_point last_commit_{};
  Clock::time_point last_log_{};
  uint64_t reported_bad_ = 0, reported_too_long_ = 0, unlogged_ = 0;
  std::string who_;
};

class ServerImpl : public Server {
 public:
  ServerImpl(ServerOptions options, insert::RowStore* rows) : options_(std::move(options)), rows_(rows) {}
  ~ServerImpl() override { Stop(); }

  Status Open() {
    for (size_t i = 0; i < options_.listeners.size(); ++i) {
      const ListenerOptions& l = options_.listeners[i];
      const std::string flag = std::string("-syslog.listenAddr.") + TransportName(l.transport);
      if (auto enc = insert::Decompressor::ParseEncoding(l.compress_method);
          !enc.ok() || *enc == insert::Decompressor::Encoding::kSnappy) {
        return Status::InvalidArgument(std::string("-syslog.compressMethod.") + TransportName(l.transport) + "=\"" +
                                       l.compress_method + "\" for " + flag + "=" + l.address +
                                       ": want none, gzip, deflate or zstd");
      }
      auto listener = std::make_unique<Listener>();
      listener->options = &l;
      listener->counters = std::make_unique<Counters>(TransportName(l.transport));
      if (l.tls) {
        if (l.transport != ListenerOptions::Transport::kTcp) {
          return Status::InvalidArgument("-syslog.tls is for TCP listeners only");
        }
        if (l.tls_cert_file.empty() || l.tls_key_file.empty()) {
          return Status::InvalidArgument("-syslog.tls for " + flag + "=" + l.address +
                                         " needs -syslog.tlsCertFile and -syslog.tlsKeyFile");
        }
        http::TlsOptions tls;
        tls.enabled = true;
        tls.cert_file = l.tls_cert_file;
        tls.key_file = l.tls_key_file;
        tls.min_version = options_.tls_min_version;
        tls.cipher_suites = options_.tls_cipher_suites;
        tls.flag_prefix = "syslog.";
        listener->tls = std::make_unique<http::TlsContexts>(tls);
        VL_RETURN_IF_ERROR(listener->tls->Load());
      }
      auto fd = Bind(l);
      if (!fd.ok()) return Status::InvalidArgument(flag + ": " + fd.status().message());
      listener->fd = *fd;
      listener->bound = BoundAddress(*fd);
      listeners_.push_back(std::move(listener));
    }
    for (auto& l : listeners_) {
      Listener* raw = l.get();
      const bool tcp = raw->options->transport == ListenerOptions::Transport::kTcp;
      l->thread = std::thread([this, raw, tcp] { tcp ? AcceptLoop(*raw) : UdpLoop(*raw); });
      spdlog::info("started accepting syslog messages at -syslog.listenAddr.{}={} ({}{})",
                   TransportName(raw->options->transport), raw->options->address, raw->bound,
                   raw->tls ? ", TLS" : "");
    }
    return Status::OK();
  }

  std::vector<std::string> bound_addresses() const override {
    std::vector<std::string> out;
    for (const auto& l : listeners_) out.push_back(l->bound);
    return out;
  }

  void Stop() override {
    if (stopping_.exchange(true)) return;
    for (auto& l : listeners_) {
      if (l->thread.joinable()) l->thread.join();
      ::close(l->fd);
    }
    std::list<Connection> conns;
    {
      std::lock_guard<std::mutex> lock(mu_);
      conns.swap(connections_);
    }
    for (auto& c : conns) c.thread.join();
  }

 private:
  struct Listener {
    const ListenerOptions* options = nullptr;
    int fd = -1;
    std::string bound;
    std::unique_ptr<Counters> counters;
    std::unique_ptr<http::TlsContexts> tls;
    std::thread thread;
  };
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  void AcceptLoop(Listener& l) {
    SetThreadName("syslog-accept");
    while (!stopping_) {
      ReapConnections();
      pollfd p{l.fd, POLLIN, 0};
      if (::poll(&p, 1, kStopCheckMs) <= 0) continue;
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      const int fd = ::accept4(l.fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const std::string who = PeerAddress(peer, len);
      std::lock_guard<std::mutex> lock(mu_);
      Connection& c = connections_.emplace_back();
      c.thread = std::thread([this, &l, &c, fd, who] {
        SetThreadName("syslog-conn");
        ServeConnection(l, fd, who);
        ::close(fd);
        c.done = true;
      });
    }
  }

  void ReapConnections() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->done) {
        it->thread.join();
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void ServeConnection(Listener& l, int fd, const std::string& who) {
    const ListenerOptions& opts = *l.options;
    SSL* ssl = nullptr;
    if (l.tls) {
      ssl = SSL_new(l.tls->Current()->native_handle());
      SSL_set_fd(ssl, fd);
      timeval tv{kHandshakeTimeoutS, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      if (SSL_accept(ssl) != 1) {
        l.counters->tls_handshake_errors++;
        const unsigned long err = ERR_get_error();
        const char* reason = err != 0 ? ERR_reason_error_string(err) : nullptr;
        spdlog::warn("syslog {}: TLS handshake with {} failed: {}", opts.address, who,
                     reason ? reason : "connection closed or timed out");
        ERR_clear_error();
        SSL_free(ssl);
        return;
      }
      // Reads start only when poll() saw bytes, but SSL_read then waits for the whole record:
      // a client stalling mid-record must not hold this thread (and Stop()) forever.
      tv = {kStalledRecordTimeoutS, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    Ingester ingester(opts, rows_, *l.counters, options_.commit_interval_ms, who);
    auto decoder = insert::Decompressor::Create(opts.compress_method, SIZE_MAX);
    auto feed = [&](std::string_view decoded) {
      ingester.Feed(decoded);
      return Status::OK();
    };
    std::vector<char> buf(kReadBytes);
    for (int drained = 0; drained < kMaxDrainReads;) {
      // On Stop(), what the sender already got into our socket is still read (it counts the
      // messages as delivered); then the connection closes.
      const bool draining = stopping_;
      drained += draining;
      // OpenSSL may hold decrypted bytes the socket no longer shows as readable.
      if (ssl == nullptr || SSL_pending(ssl) == 0) {
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, draining ? 0 : ingester.WaitMs());
        if (ready <= 0) {
          if (draining) break;
          ingester.MaybeCommit(false);
          continue;
        }
      }
      const ssize_t n = ssl ? SSL_read(ssl, buf.data(), static_cast<int>(buf.size()))
                            : ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) break;  // closed by the sender, or a broken connection
      Status s = (*decoder)->Decode(std::string_view(buf.data(), static_cast<size_t>(n)), feed);
      if (!s.ok()) {
        l.counters->errors++;
        spdlog::error("syslog {}: dropping the connection from {}: cannot decompress ({}): {}", opts.address, who,
                      opts.compress_method, s.message());
        break;
      }
      ingester.MaybeCommit(false);
    }
    if (Status s = (*decoder)->Finish(feed); !s.ok()) {
      l.counters->errors++;
      spdlog::error("syslog {}: the compressed stream from {} ended early: {}", opts.address, who, s.message());
    }
    ingester.EndOfStream();
    ingester.MaybeCommit(true);
    if (ssl) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
  }

  void UdpLoop(Listener& l) {
    SetThreadName("syslog-udp");
    const ListenerOptions& opts = *l.options;
    Ingester ingester(opts, rows_, *l.counters, options_.commit_interval_ms, "");
    std::vector<char> buf(kReadBytes);
    std::string decoded;
    while (!stopping_) {
      pollfd p{l.fd, POLLIN, 0};
      if (::poll(&p, 1, ingester.WaitMs()) <= 0) {
        ingester.MaybeCommit(false);
        continue;
      }
      // Everything queued is read before the next wait, so a burst becomes one batch.
      ReadDatagrams(l, ingester, buf, decoded, 1024);
      ingester.MaybeCommit(false);
    }
    // Datagrams the kernel already queued were sent successfully as far as senders know.
    ReadDatagrams(l, ingester, buf, decoded, kMaxDrainReads);
    ingester.MaybeCommit(true);
  }

  // Reads up to `max` queued datagrams without waiting.
  void ReadDatagrams(Listener& l, Ingester& ingester, std::vector<char>& buf, std::string& decoded, int max) {
    const ListenerOptions& opts = *l.options;
    for (int i = 0; i < max; ++i) {
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      const ssize_t n =
          ::recvfrom(l.fd, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&peer), &len);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) l.counters->udp_errors++;
        return;
      }
      l.counters->udp_requests++;
      ingester.set_who(PeerAddress(peer, len));
      std::string_view datagram(buf.data(), static_cast<size_t>(n));
      if (!opts.compress_method.empty() && opts.compress_method != "none") {
        decoded.clear();
        Status s = insert::DecodeBody(opts.compress_method, datagram, &decoded, opts.stream.max_message_bytes * 4);
        if (!s.ok()) {
          l.counters->udp_errors++;
          l.counters->errors++;
          spdlog::error("syslog {}: dropping a datagram from {}: cannot decompress ({}): {}", opts.address,
                        PeerAddress(peer, len), opts.compress_method, s.message());
          continue;
        }
        datagram = decoded;
      }
      // Each datagram is a stream of its own (it may hold several newline-separated messages).
      ingester.Feed(datagram);
      ingester.EndOfStream();
      ingester.MaybeCommit(false);
    }
  }

  ServerOptions options_;
  insert::RowStore* rows_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::list<Connection> connections_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, insert::RowStore* rows) {
  auto server = std::make_unique<ServerImpl>(std::move(options), rows);
  VL_RETURN_IF_ERROR(server->Open());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace vl::syslog
