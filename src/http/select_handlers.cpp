#include <spdlog/spdlog.h>

#include <charconv>
#include <mutex>

#include "vl/common/metrics.h"
#include "vl/common/time_util.h"
#include "select_common.h"
#include "vl/http/router.h"
#include "vl/logsql/executor.h"
#include "vl/select/query_runner.h"

namespace vl::http {

namespace {

// Writes result rows as JSON lines; a failed write means the client went away.
class JsonLinesSink : public logsql::ResultSink {
 public:
  JsonLinesSink(ResponseWriter& w, SelectScope& scope) : w_(w), scope_(scope) {}

  bool Write(const logsql::ResultBlock& block) override {
    std::lock_guard<std::mutex> lock(mu_);
    buf_.clear();
    logsql::AppendJsonLines(block, &buf_);
    if (!w_.Write(buf_)) {
      client_gone_ = true;
      scope_.Cancel();
    }
    return !client_gone_;
  }

 private:
  ResponseWriter& w_;
  SelectScope& scope_;
  std::mutex mu_;
  std::string buf_;
  bool client_gone_ = false;
};

}  // namespace

void HandleLogsqlQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w) {
  auto request = ParseSelectRequest(options, req, body, w);
  if (!request.ok()) {
    Metrics::Global().Counter("vl_query_errors_total")++;
    return SendError(w, request.status());
  }
  auto scope = SelectScope::Enter(options, req, w);
  if (!scope.ok()) return SendError(w, scope.status());
  w.SetHeader("Content-Type", "application/stream+json");
  JsonLinesSink sink(w, **scope);
  if (!RunSelect(options, *request, **scope, sink, w) && w.headers_sent()) {
    spdlog::error("query [{}] failed after streaming started", request->query);
  }
}

}  // namespace vl::http
