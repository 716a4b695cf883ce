// Deterministic log generator for benchmarks: JSON lines of ~250 bytes with ~12 fields.
// Same (seed, start_ns, step_ns) → same byte stream, on every platform.
//
// Mix: ~45% nginx/envoy access logs, ~35% application logs (trace_id/span_id, level, logger,
// messages with words and numbers, some Cyrillic/CJK/emoji), ~20% nested JSON events
// (`{"event":{"kind":..,"user":{"id":..}}}`). `_time` is RFC3339 with milliseconds and grows by
// step_ns per line; `app` takes 10 values and is meant as the stream field.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace vl::bench {

class LogGenerator {
 public:
  // The seed goes through a mixer: with seed * increment as the start state, seed 2 was seed 1
  // shifted by one draw (nearly the same data).
  explicit LogGenerator(uint64_t seed, int64_t start_ns, int64_t step_ns)
      : state_(Mix(seed + 0x632BE59BD9B4E019ULL)), now_ns_(start_ns), step_ns_(step_ns) {}

  // Appends one line terminated by '\n'.
  void Append(std::string* out) {
    const uint64_t kind = Uniform(100);
    out->append("{\"_time\":\"");
    AppendTime(now_ns_, out);
    out->append("\",");
    if (kind < 45) {
      AppendAccess(out);
    } else if (kind < 80) {
      AppendApp(out);
    } else {
      AppendEvent(out);
    }
    out->append("}\n");
    now_ns_ += step_ns_;
    rows_++;
  }

  uint64_t rows() const { return rows_; }
  int64_t next_timestamp_ns() const { return now_ns_; }

  static constexpr std::string_view kApps[10] = {"nginx", "envoy",    "api",      "auth",     "billing",
                                                 "search", "checkout", "payments", "frontend", "tracker"};

 private:
  // splitmix64
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Next() { return Mix(state_ += 0x9E3779B97F4A7C15ULL); }
  uint64_t Uniform(uint64_t n) { return Next() % n; }
  template <size_t N>
  std::string_view Pick(const std::string_view (&arr)[N]) {
    return arr[Uniform(N)];
  }
  // Skewed pick: low indexes are much more frequent.
  template <size_t N>
  std::string_view PickSkewed(const std::string_view (&arr)[N]) {
    uint64_t a = Uniform(N), b = Uniform(N);
    return arr[a < b ? a : b];
  }

  static void AppendUint(uint64_t v, std::string* out) {
    char buf[24];
    int n = std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(v));
    out->append(buf, n);
  }
  void AppendHex(int digits, std::string* out) {
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t r = 0;
    for (int i = 0; i < digits; i++) {
      if (i % 16 == 0) r = Next();
      out->push_back(kHex[r & 15]);
      r >>= 4;
    }
  }
  // Fixed-point number with `frac` decimals, e.g. 0.123.
  static void AppendFixed(uint64_t v, int frac, std::string* out) {
    uint64_t div = 1;
    for (int i = 0; i < frac; i++) div *= 10;
    AppendUint(v / div, out);
    if (frac > 0) {
      out->push_back('.');
      char buf[24];
      int n = std::snprintf(buf, sizeof(buf), "%0*llu", frac, static_cast<unsigned long long>(v % div));
      out->append(buf, n);
    }
  }
  void Key(std::string_view k, std::string* out) {
    out->push_back('"');
    out->append(k);
    out->append("\":");
  }
  void Str(std::string_view k, std::string_view v, std::string* out, bool comma = true) {
    Key(k, out);
    out->push_back('"');
    out->append(v);
    out->push_back('"');
    if (comma) out->push_back(',');
  }
  void Num(std::string_view k, uint64_t v, std::string* out, bool comma = true) {
    Key(k, out);
    AppendUint(v, out);
    if (comma) out->push_back(',');
  }
  void Ip(std::string* out) {
    uint64_t r = Next();
    if (r & 1) {
      out->append("10.");
    } else {
      AppendUint(((r >> 8) & 0x7f) | 64, out);
      out->push_back('.');
    }
    AppendUint((r >> 16) & 0xff, out);
    out->push_back('.');
    AppendUint((r >> 24) & 0xff, out);
    out->push_back('.');
    AppendUint(((r >> 32) & 0xfd) + 1, out);
  }
  void Host(std::string_view prefix, std::string* out) {
    Key("host", out);
    out->push_back('"');
    out->append(prefix);
    out->push_back('-');
    uint64_t n = Uniform(12);
    out->push_back(static_cast<char>('0' + n / 10));
    out->push_back(static_cast<char>('0' + n % 10));
    out->append("\",");
  }

  static void AppendTime(int64_t ns, std::string* out) {
    int64_t ms = ns / 1000000;
    if (ns % 1000000 < 0) ms--;
    int64_t secs = ms / 1000;
    int64_t msec = ms % 1000;
    if (msec < 0) msec += 1000, secs--;
    int64_t days = secs / 86400;
    int64_t sod = secs % 86400;
    if (sod < 0) sod += 86400, days--;
    // civil from days (proleptic Gregorian)
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    char buf[40];
    int n = std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                          static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                          static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                          static_cast<long long>(sod % 60), static_cast<long long>(msec));
    out->append(buf, n);
  }

  void AppendAccess(std::string* out) {
    static constexpr std::string_view kMethods[] = {"GET", "GET", "GET", "POST", "GET", "PUT", "DELETE", "PATCH"};
    static constexpr std::string_view kPaths[] = {"/api/v1/users/", "/api/v1/orders/", "/static/js/app.",
                                                  "/api/v2/search?q=", "/healthz", "/api/v1/cart/",
                                                  "/images/product/", "/login"};
    static constexpr uint64_t kStatus[] = {200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 404,
                                           499, 500, 502, 503};
    static constexpr std::string_view kAgents[] = {
        "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0",
        "Mozilla/5.0 (Windows NT 10.0) Firefox/125.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4) Mobile",
        "curl/8.5.0",
        "Go-http-client/1.1",
        "python-requests/2.31",
        "kube-probe/1.29",
    };
    const bool envoy = Uniform(4) == 0;
    Str("app", envoy ? kApps[1] : kApps[0], out);
    Host(envoy ? "edge" : "web", out);
    const std::string_view method = kMethods[Uniform(std::size(kMethods))];
    const std::string_view path_prefix = PickSkewed(kPaths);
    const uint64_t id = Uniform(100000);
    const uint64_t status = kStatus[Uniform(std::size(kStatus))];
    Str("method", method, out);
    Key("path", out);
    out->push_back('"');
    out->append(path_prefix);
    if (path_prefix.back() == '.') {
      AppendHex(8, out);
      out->append(".js");
    } else if (path_prefix.back() == '/' || path_prefix.back() == '=') {
      AppendUint(id, out);
    }
    out->append("\",");
    Num("status", status, out);
    Key("duration", out);
    AppendFixed(Uniform(Uniform(10) == 0 ? 5000 : 300) + 1, 3, out);
    out->push_back(',');
    Num("bytes", status == 204 || status == 304 ? 0 : 200 + Uniform(50000), out);
    Key("remote_ip", out);
    out->push_back('"');
    Ip(out);
    out->append("\",");
    Str("user_agent", PickSkewed(kAgents), out);
    Key("_msg", out);
    out->push_back('"');
    out->append(method);
    out->push_back(' ');
    out->append(path_prefix);
    out->append(" ");
    AppendUint(status, out);
    if (status >= 500) out->append(" upstream error: connection refused");
    out->push_back('"');
  }

  void AppendMessage(std::string_view level, std::string* out) {
    const uint64_t a = Uniform(100000), b = Uniform(1000);
    switch (level == "error" ? 4 + Uniform(3) : Uniform(12)) {
      case 0: out->append("user "); AppendUint(a, out); out->append(" logged in from "); Ip(out); break;
      case 1: out->append("processed "); AppendUint(b, out); out->append(" items in "); AppendUint(a % 900, out); out->append(" ms"); break;
      case 2: out->append("cache miss for key order:"); AppendUint(a, out); out->append(", fetching from primary store"); break;
      case 3: out->append("request completed with status ok bytes="); AppendUint(a, out); break;
      case 4: out->append("error: failed to connect to db-"); AppendUint(b % 4, out); out->append(":5432: connection refused (attempt "); AppendUint(b % 5 + 1, out); out->push_back(')'); break;
      case 5: out->append("error while reading response body: unexpected EOF after "); AppendUint(a, out); out->append(" bytes"); break;
      case 6: out->append("timeout waiting for lock on account "); AppendUint(a, out); out->append(" after 5000 ms"); break;
      case 7: out->append("\xD0\x9F\xD0\xBE\xD0\xBB\xD1\x8C\xD0\xB7\xD0\xBE\xD0\xB2\xD0\xB0\xD1\x82\xD0\xB5\xD0\xBB\xD1\x8C ");  // Пользователь
              AppendUint(a, out); out->append(" \xD0\xB2\xD0\xBE\xD1\x88\xD1\x91\xD0\xBB \xD0\xB2 \xD1\x81\xD0\xB8\xD1\x81\xD1\x82\xD0\xB5\xD0\xBC\xD1\x83");  // вошёл в систему
              break;
      case 8: out->append("\xE8\xAE\xA2\xE5\x8D\x95 "); AppendUint(a, out); out->append(" \xE5\xB7\xB2\xE5\x8F\x91\xE8\xB4\xA7");  // 订单 N 已发货
              break;
      case 9: out->append("deploy finished \xF0\x9F\x9A\x80 version 1."); AppendUint(b % 20, out); out->append(".3 in "); AppendUint(b, out); out->append(" s"); break;
      case 10: out->append("\xE3\x83\xA6\xE3\x83\xBC\xE3\x82\xB6\xE3\x83\xBC "); AppendUint(a, out); out->append(" \xE3\x81\x8C\xE3\x83\xAD\xE3\x82\xB0\xE3\x82\xA4\xE3\x83\xB3\xE3\x81\x97\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F");  // ユーザー N がログインしました
               break;
      default: out->append("scheduled job cleanup removed "); AppendUint(b, out); out->append(" expired sessions"); break;
    }
  }

  void AppendApp(std::string* out) {
    static constexpr std::string_view kLevels[] = {"info", "info", "info", "info", "info", "debug", "debug",
                                                   "warn", "error"};
    static constexpr std::string_view kLoggers[] = {"http", "db.pool", "cache", "session", "jobs", "gateway", "indexer"};
    const std::string_view app = kApps[2 + Uniform(6)];
    Str("app", app, out);
    Host(app, out);
    const std::string_view level = kLevels[Uniform(std::size(kLevels))];
    Str("level", level, out);
    Str("logger", Pick(kLoggers), out);
    Key("trace_id", out);
    out->push_back('"');
    AppendHex(32, out);
    out->append("\",");
    Key("span_id", out);
    out->push_back('"');
    AppendHex(16, out);
    out->append("\",");
    Num("pid", 1000 + Uniform(50), out);
    Num("user_id", Uniform(100000), out);
    Num("duration_ms", Uniform(2000), out);
    Key("_msg", out);
    out->push_back('"');
    AppendMessage(level, out);
    out->push_back('"');
  }

  void AppendEvent(std::string* out) {
    static constexpr std::string_view kKinds[] = {"view", "click", "purchase", "signup", "logout", "search"};
    static constexpr std::string_view kCountries[] = {"US", "DE", "FR", "JP", "CN", "RU", "BR", "IN"};
    static constexpr std::string_view kPlans[] = {"free", "pro", "enterprise"};
    const std::string_view app = kApps[8 + Uniform(2)];
    Str("app", app, out);
    Host("ev", out);
    Str("level", "info", out);
    const std::string_view kind = PickSkewed(kKinds);
    const uint64_t uid = Uniform(100000);
    out->append("\"event\":{");
    Str("kind", kind, out);
    out->append("\"user\":{");
    Num("id", uid, out);
    Str("country", Pick(kCountries), out);
    Str("plan", PickSkewed(kPlans), out, false);
    out->append("},\"value\":");
    AppendFixed(Uniform(100000), 2, out);
    out->append(",\"tags\":[\"");
    out->append(Pick(kKinds));
    out->append("\",\"web\"]},");
    Str("source", Uniform(2) ? "web" : "mobile", out);
    Key("_msg", out);
    out->push_back('"');
    out->append("event ");
    out->append(kind);
    out->append(" by user ");
    AppendUint(uid, out);
    if (Uniform(5) == 0) {
      out->append(" \xE2\x9C\x85 ");  // ✅
      out->append(Uniform(2) ? "\xD1\x83\xD1\x81\xD0\xBF\xD0\xB5\xD1\x88\xD0\xBD\xD0\xBE" : "\xE6\x88\x90\xE5\x8A\x9F");  // успешно / 成功
    }
    out->push_back('"');
  }

  uint64_t state_;
  int64_t now_ns_;
  int64_t step_ns_;
  uint64_t rows_ = 0;
};

}  // namespace vl::bench
