// /select/logsql/tail: live tailing. Every refresh interval the query runs over the newest
// window of time and the rows not sent yet go out as JSON lines, until the client goes away.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "select_common.h"
#include "vl/common/metrics.h"
#include "vl/common/time_util.h"

namespace vl::http {

namespace {

constexpr const char* kNotTailable[] = {"stats", "uniq", "top", "sort", "first", "last", "limit", "offset",
                                        "facets", "field_names", "field_values", "block_stats", "blocks_count",
                                        "stream_context", "union"};

Status CheckTailable(const std::string& text, int64_t now) {
  auto q = logsql::ParseQuery(text, now);
  if (!q.ok()) return q.status();
  for (const auto& p : (*q)->pipes()) {
    const std::string s = p->String();
    const std::string name = s.substr(0, s.find_first_of(" ("));
    if (std::find(std::begin(kNotTailable), std::end(kNotTailable), name) != std::end(kNotTailable)) {
      return Status::InvalidArgument("the `" + name + "` pipe cannot be used in live tailing: [" + text + "]");
    }
  }
  return Status::OK();
}

struct TailRow {
  int64_t ts;
  std::string stream_id;
  logsql::ResultBlock row;  // one row
};

}  // namespace

void HandleTail(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) return SendError(w, request.status());
  auto refresh = DurationArg(req, "refresh_interval", 1'000'000'000);
  auto start_offset = DurationArg(req, "start_offset", 5'000'000'000);
  auto offset = DurationArg(req, "offset", 1'000'000'000);
  for (auto* r : {&refresh, &start_offset, &offset}) {
    if (!r->ok()) return SendError(w, r->status());
    if (r->value() <= 0) return SendError(w, Status::InvalidArgument("tail durations must be positive"));
  }
  if (request->query.empty()) return SendError(w, Status::InvalidArgument("missing `query` arg"));
  if (Status s = CheckTailable(request->query, request->now_ns); !s.ok()) return SendError(w, s);
  auto scope = SelectScope::Enter(options, req, w, /*limited=*/false);
  if (!scope.ok()) return SendError(w, scope.status());
  std::atomic<uint64_t>& tails = Metrics::Global().Counter("vl_live_tailing_requests");
  ++tails;
  w.SetHeader("Content-Type", "application/x-ndjson");
  std::map<std::string, int64_t> last_sent;  // per _stream_id: newest timestamp sent
  int64_t now = NowNanos();
  int64_t window_start = now - *offset - *start_offset;
  bool ok = w.Flush();  // the client sees the headers at once
  while (ok && !(*scope)->cancelled()->load()) {
    now = NowNanos();
    const int64_t window_end = now - *offset;
    select::QueryRequest q = *request;
    q.start = window_start;
    q.end = window_end;
    q.now_ns = window_end;
    q.limit = 0;
    CollectingSink rows;
    Status s = select::RunQuery(*options.queries, q, rows, (*scope)->cancelled());
    if (!s.ok()) {
      if (s.code() != Status::Code::kCancelled) {
        if (!w.headers_sent()) SendError(w, s);
        else w.Write("\n" + s.message() + "\n");
      }
      break;
    }
    std::vector<TailRow> fresh;
    rows.ForEachRow([&](const logsql::ResultBlock& b, size_t r) {
      const auto* t = b.Find("_time");
      int64_t ts = 0;
      if (!t || !ParseRFC3339(t->at(r), &ts)) return;
      const auto* id = b.Find("_stream_id");
      std::string stream = id ? std::string(id->at(r)) : std::string();
      auto it = last_sent.find(stream);
      if (it != last_sent.end() && ts <= it->second) return;
      TailRow row{ts, std::move(stream), {}};
      row.row.rows = 1;
      for (const auto& c : b.columns) row.row.columns.push_back(c.Slice(r, r + 1));
      fresh.push_back(std::move(row));
    });
    std::stable_sort(fresh.begin(), fresh.end(), [](const TailRow& a, const TailRow& b) { return a.ts < b.ts; });
    std::string out;
    for (const auto& row : fresh) logsql::AppendJsonLines(row.row, &out);
    for (const auto& row : fresh) {
      int64_t& last = last_sent[row.stream_id];
      last = std::max(last, row.ts);
    }
    if (!out.empty() && !w.Write(out)) break;
    ok = w.Flush();
    // Rows may arrive a little late (shippers batch): the next window overlaps this one.
    window_start = window_end - 5'000'000'000;
    const auto wake = std::chrono::steady_clock::now() + std::chrono::nanoseconds(*refresh);
    while (std::chrono::steady_clock::now() < wake && !(*scope)->cancelled()->load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  --tails;
}

}  // namespace vl::http
