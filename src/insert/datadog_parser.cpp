// `/insert/datadog/api/v2/logs`: a JSON array of log objects, as the DataDog agent and
// serverless plugins send them. `message` is the log message (a serverless object's
// `message`, `status` and `lamdba.*` fields are taken out of it), `ddtags` ("env:prod,urgent")
// become fields (a tag without a value gets `no_label_value`), `timestamp` (ms) or the
// `dd-message-timestamp` header is the time. Other attributes of any JSON type are flattened as
// JSON lines are: VictoriaLogs refuses the whole batch for a non-string attribute.
#include <simdjson.h>

#include <utility>

#include "vl/common/time_util.h"
#include "vl/insert/json_fields.h"
#include "vl/insert/counting_parser.h"
#include "vl/insert/protocols.h"

namespace vl::insert {

namespace {

constexpr std::string_view kNoLabelValue = "no_label_value";

class DatadogParser : public CountingParser {
 public:
  DatadogParser(CommonParams params, RowWriter* sink, const ParserOptions& options, std::string header_time)
      : CountingParser(sink, options.max_kept_errors),
        builder_(WithDefaults(std::move(params), options.settings), options.row_options),
        header_time_(std::move(header_time)) {}

  Status Feed(std::string_view chunk) override {
    body_.append(chunk);
    return Status::OK();
  }

  Status Finish() override {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(body_).get(doc); err != simdjson::SUCCESS) {
      return Status::InvalidArgument(std::string("cannot parse DataDog request body as JSON: ") +
                                     simdjson::error_message(err));
    }
    simdjson::dom::array records;
    if (doc.get_array().get(records) != simdjson::SUCCESS) {
      return Status::InvalidArgument("DataDog request body must be a JSON array of log objects");
    }
    const int64_t now_ns = NowNanos();
    std::string text;
    for (simdjson::dom::element record : records) {
      ++record_no_;
      if (!record.is_object()) {
        AddError(record_no_, "not a JSON object");
        continue;
      }
      text = simdjson::minify(record);
      fields_.clear();
      if (Status s = json_.Parse(text, &fields_); !s.ok()) {
        AddError(record_no_, s.message());
        continue;
      }
      Reshape();
      Status s = AppendRow(builder_, fields_, now_ns, [&] { return "DataDog record " + std::to_string(record_no_); });
      if (!s.ok()) AddError(record_no_, s.message());
    }
    return Status::OK();
  }


 private:
  static CommonParams WithDefaults(CommonParams p, const ProtocolSettings& settings) {
    if (p.stream_fields.empty()) p.stream_fields = settings.datadog_stream_fields;
    if (p.ignore_fields.empty()) p.ignore_fields = settings.datadog_ignore_fields;
    if (p.msg_fields.empty()) p.msg_fields = {"message"};
    if (p.time_fields == std::vector<std::string>{"_time"}) p.time_fields = {"timestamp"};
    return p;
  }

  // DataDog's own layout to plain fields: tags split, the serverless message object unpacked,
  // the header's timestamp when the record has none.
  void Reshape() {
    const size_t n = fields_.size();
    bool has_time = false;
    for (size_t i = 0; i < n; ++i) {
      FieldView& f = fields_[i];
      if (f.name == "timestamp") has_time = true;
      if (f.name == "message.message") {
        f.name = "message";
      } else if (f.name == "message.status") {
        f.name = "status";
      } else if (f.name.substr(0, 15) == "message.lamdba.") {
        f.name = f.name.substr(15);
      } else if (f.name == "ddtags") {
        std::string_view tags = f.value;
        f.value = {};  // dropped: empty values are absent fields
        while (!tags.empty()) {
          const size_t comma = tags.find(',');
          std::string_view tag = tags.substr(0, comma);
          tags = comma == std::string_view::npos ? std::string_view() : tags.substr(comma + 1);
          while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
          while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
          if (tag.empty()) continue;
          const size_t colon = tag.find(':');
          if (colon == std::string_view::npos) {
            fields_.push_back(FieldView{tag, kNoLabelValue});
          } else if (colon > 0) {
            fields_.push_back(FieldView{tag.substr(0, colon), tag.substr(colon + 1)});
          }
        }
      }
    }
    if (!has_time && !header_time_.empty()) fields_.push_back(FieldView{"timestamp", header_time_});
  }

  RowBuilder builder_;
  std::string header_time_;
  std::string body_;
  JsonFieldsParser json_;
  std::vector<FieldView> fields_;
  uint64_t record_no_ = 0;
};

}  // namespace

std::unique_ptr<BodyParser> MakeDatadogParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                              const RequestInfo& request) {
  return std::make_unique<DatadogParser>(std::move(params), sink, options,
                                         std::string(request.header("dd-message-timestamp")));
}

}  // namespace vl::insert
