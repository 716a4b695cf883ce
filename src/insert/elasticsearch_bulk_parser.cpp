// `/insert/elasticsearch/_bulk`: Elasticsearch's bulk NDJSON, an action line (`create` or
// `index`; the index and ids are ignored) followed by its document. Every action gets its own
// item in the answer, as Elasticsearch answers: 201 for a stored document, 400 with the reason
// for a bad one, so shippers retry only what failed. VictoriaLogs stops at the first bad
// document and answers 200 with an empty body, losing the rest of the request silently.
#include <simdjson.h>

#include <chrono>
#include <cstring>
#include <utility>

#include "vl/common/time_util.h"
#include "vl/insert/json_fields.h"
#include "vl/insert/protocols.h"
#include "vl/insert/row_limits.h"

namespace vl::insert {

namespace {

void AppendJsonEscaped(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[(c >> 4) & 15]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

class ElasticsearchBulkParser : public BodyParser {
 public:
  ElasticsearchBulkParser(CommonParams params, RowWriter* sink, const ParserOptions& options)
      : builder_(WithDefaults(std::move(params)), options.row_options), sink_(sink), options_(options),
        started_(std::chrono::steady_clock::now()) {}

  Status Feed(std::string_view chunk) override {
    while (!chunk.empty()) {
      const char* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
      const size_t len = nl ? static_cast<size_t>(nl - chunk.data()) : chunk.size();
      if (!nl) {
        if (pending_.size() + len > options_.max_line_size + 1) {
          pending_too_long_ = true;
          pending_.clear();
        } else if (!pending_too_long_) {
          pending_.append(chunk.substr(0, len));
        }
        return Status::OK();
      }
      if (pending_too_long_ || pending_.size() + len > options_.max_line_size + 1) {
        pending_.clear();
        pending_too_long_ = false;
        Line(std::string_view(), /*too_long=*/true);
      } else if (pending_.empty()) {
        Line(chunk.substr(0, len), false);
      } else {
        pending_.append(chunk.substr(0, len));
        Line(pending_, false);
        pending_.clear();
      }
      chunk.remove_prefix(len + 1);
    }
    return Status::OK();
  }

  Status Finish() override {
    if (pending_too_long_) Line(std::string_view(), true);
    else if (!pending_.empty()) Line(pending_, false);
    pending_.clear();
    if (expect_doc_) Item(400, "the last action has no document line");
    return Status::OK();
  }

  std::string ResponseBody() const override {
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count();
    return "{\"took\":" + std::to_string(took) + ",\"errors\":" + (failed_ > 0 ? "true" : "false") +
           ",\"items\":[" + items_ + "]}";
  }

  std::vector<LineError> TakeErrors() override { return std::exchange(errors_, {}); }
  const LineError& last_error() const override { return last_error_; }
  uint64_t records_ok() const override { return ok_; }
  uint64_t records_failed() const override { return failed_; }
  uint64_t too_long_lines() const override { return too_long_; }

 private:
  static CommonParams WithDefaults(CommonParams p) {
    // Beats, Logstash and Vector write `message` and `@timestamp`.
    if (p.msg_fields.empty()) p.msg_fields = {"message"};
    if (p.time_fields == std::vector<std::string>{"_time"}) p.time_fields = {"@timestamp", "_time"};
    return p;
  }

  void Line(std::string_view line, bool too_long) {
    ++line_no_;
    if (too_long) {
      ++too_long_;
      if (expect_doc_) {
        expect_doc_ = false;
        Item(400, "document longer than -insert.maxLineSizeBytes");
      } else {
        action_ = "index";
        expect_doc_ = true;  // an action line we cannot read: its document follows
        Item(400, "action line longer than -insert.maxLineSizeBytes");
        skip_doc_ = true;
      }
      return;
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return;
    if (!expect_doc_) {
      Action(line);
      return;
    }
    expect_doc_ = false;
    if (skip_doc_) {
      skip_doc_ = false;
      return;
    }
    Document(line);
  }

  void Action(std::string_view line) {
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser_.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(obj) != simdjson::SUCCESS || obj.size() != 1) {
      action_ = "index";
      Item(400, "cannot parse the action line (want {\"create\":{...}} or {\"index\":{...}})");
      return;
    }
    action_ = std::string((*obj.begin()).key);
    if (action_ == "create" || action_ == "index") {
      expect_doc_ = true;
    } else if (action_ == "update") {
      expect_doc_ = true;
      skip_doc_ = true;
      Item(400, "the update action is not supported: logs are only added");
    } else {
      Item(400, "the " + action_ + " action is not supported: logs are only added");
    }
  }

  void Document(std::string_view line) {
    fields_.clear();
    Status s = json_.Parse(line, &fields_);
    if (s.ok()) {
      RowView row;
      RowLimit limit = RowLimit::kNone;
      s = builder_.Build(fields_, NowNanos(), &row, &limit);
      if (s.ok()) {
        sink_->Append(row);
        ++ok_;
        Item(201, "");
        return;
      }
      if (limit != RowLimit::kNone) ReportDroppedRow(limit, "bulk line " + std::to_string(line_no_) + ": " + s.message());
    }
    Item(400, s.message());
  }

  // One entry of the answer's items, in request order.
  void Item(int status, const std::string& reason) {
    if (!items_.empty()) items_.push_back(',');
    items_ += "{\"" + action_ + "\":{\"status\":" + std::to_string(status);
    if (status >= 400) {
      items_ += ",\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":";
      AppendJsonEscaped(reason, &items_);
      items_ += "}";
      ++failed_;
      last_error_ = LineError{line_no_, reason};
      if (errors_.size() < options_.max_kept_errors) errors_.push_back(last_error_);
    }
    items_ += "}}";
  }

  RowBuilder builder_;
  RowWriter* sink_;
  ParserOptions options_;
  std::chrono::steady_clock::time_point started_;
  simdjson::dom::parser parser_;
  JsonFieldsParser json_;
  std::vector<FieldView> fields_;
  std::string pending_;
  bool pending_too_long_ = false;
  bool expect_doc_ = false;
  bool skip_doc_ = false;
  std::string action_ = "index";
  std::string items_;
  std::vector<LineError> errors_;
  LineError last_error_;
  uint64_t line_no_ = 0, ok_ = 0, failed_ = 0, too_long_ = 0;
};

}  // namespace

std::unique_ptr<BodyParser> MakeElasticsearchBulkParser(CommonParams params, RowWriter* sink,
                                                        const ParserOptions& options, const RequestInfo&) {
  return std::make_unique<ElasticsearchBulkParser>(std::move(params), sink, options);
}

}  // namespace vl::insert
