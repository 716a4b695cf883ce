// `/insert/loki/api/v1/push`: Loki's push request, as Promtail, Grafana Alloy, the Loki Docker
// driver and logging libraries send it. `Content-Type: application/json` is Loki's JSON form
// (`{"streams":[{"stream":{labels},"values":[["<ts>","<line>",{metadata}?],...]}]}`), anything
// else its protobuf PushRequest (snappy by default). Labels become fields and, unless the request
// names `_stream_fields`, they are the stream. Structured metadata become fields. A line that is
// a JSON object is unpacked into fields (then `_msg_field` applies to them) unless message
// parsing is off (-loki.disableMessageParsing, `disable_message_parsing`,
// `VL-Loki-Disable-Message-Parsing`); any other line is the `_msg`. Timestamp "" or 0 = now.
#include <loki_push.pb.h>
#include <simdjson.h>

#include <map>
#include <memory>
#include <utility>

#include "vl/common/time_util.h"
#include "vl/insert/json_fields.h"
#include "vl/insert/loki_labels.h"
#include "vl/insert/label_streams.h"
#include "vl/insert/protocols.h"
#include "vl/insert/whole_body_parser.h"

namespace vl::insert {

namespace {

Result<bool> ParseBoolValue(std::string_view name, std::string_view v) {
  if (v == "1" || v == "true" || v == "True" || v == "TRUE" || v == "t" || v == "T") return true;
  if (v == "0" || v == "false" || v == "False" || v == "FALSE" || v == "f" || v == "F") return false;
  return Status::InvalidArgument("cannot parse " + std::string(name) + "=\"" + std::string(v) + "\": want true or false");
}

class LokiParser : public WholeBodyParser {
 public:
  LokiParser(CommonParams params, RowWriter* sink, const ParserOptions& options, const RequestInfo& request)
      : WholeBodyParser(sink), streams_(CommonParams{}, options.row_options) {
    json_body_ = IsJsonContentType(request.header("Content-Type"));
    parse_message_ = !options.settings.loki_disable_message_parsing;
    std::string_view flag = request.arg("disable_message_parsing");
    std::string_view flag_name = "disable_message_parsing";
    if (flag.empty()) {
      flag = request.header("VL-Loki-Disable-Message-Parsing");
      flag_name = "VL-Loki-Disable-Message-Parsing";
    }
    if (!flag.empty()) {
      auto disabled = ParseBoolValue(flag_name, flag);
      if (disabled.ok()) parse_message_ = !*disabled;
      else init_error_ = disabled.status();
    }
    if (params.tenant == TenantID{}) {
      if (std::string_view org = request.header("X-Scope-OrgID"); !org.empty() && !ParseTenantID(org, &params.tenant)) {
        init_error_ = Status::InvalidArgument("cannot parse X-Scope-OrgID=\"" + std::string(org) +
                                              "\": want AccountID[:ProjectID]");
      }
    }
    streams_ = LabelStreams(std::move(params), options.row_options);
  }

 protected:
  Status Parse(std::string_view body) override {
    if (!init_error_.ok()) return init_error_;
    now_ns_ = NowNanos();
    return json_body_ ? ParseJson(body) : ParseProtobuf(body);
  }

 private:
  Status ParseJson(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(body.data(), body.size()).get(doc); err != simdjson::SUCCESS) {
      return Status::InvalidArgument(std::string("cannot parse Loki JSON request: ") + simdjson::error_message(err));
    }
    simdjson::dom::array streams;
    if (doc["streams"].get_array().get(streams) != simdjson::SUCCESS) {
      return Status::InvalidArgument("Loki JSON request: want a `streams` array");
    }
    size_t stream_no = 0;
    for (simdjson::dom::element stream : streams) {
      ++stream_no;
      const std::string at = "stream " + std::to_string(stream_no);
      labels_.clear();
      simdjson::dom::element labels_el;
      if (stream["stream"].get(labels_el) == simdjson::SUCCESS) {
        simdjson::dom::object labels;
        if (labels_el.get_object().get(labels) != simdjson::SUCCESS) {
          return Status::InvalidArgument(at + ": `stream` must be an object of labels");
        }
        VL_RETURN_IF_ERROR(StringPairs(labels, at + " label", &labels_));
      }
      simdjson::dom::array values;
      if (stream["values"].get_array().get(values) != simdjson::SUCCESS) {
        return Status::InvalidArgument(at + ": want a `values` array");
      }
      RowBuilder& builder = streams_.For(labels_);
      size_t entry_no = 0;
      for (simdjson::dom::element value : values) {
        ++entry_no;
        const EntryPos pos{"stream", stream_no, "entry", entry_no};
        auto where = [&] { return pos.ToString(); };
        simdjson::dom::array entry;
        if (value.get_array().get(entry) != simdjson::SUCCESS || entry.size() < 2 || entry.size() > 3) {
          return Status::InvalidArgument(where() + ": want [\"<timestamp>\", \"<line>\"] or with a metadata object");
        }
        std::string_view ts_text, line;
        if (entry.at(0).get_string().get(ts_text) != simdjson::SUCCESS) {
          return Status::InvalidArgument(where() + ": the timestamp must be a string");
        }
        int64_t ts = 0;
        if (!ts_text.empty() && !ParseUnixTimestamp(ts_text, &ts)) {
          return Status::InvalidArgument(where() + ": cannot parse timestamp \"" + std::string(ts_text) +
                                         "\": want Unix time (ns)");
        }
        if (entry.at(1).get_string().get(line) != simdjson::SUCCESS) {
          return Status::InvalidArgument(where() + ": the line must be a string");
        }
        metadata_.clear();
        if (entry.size() == 3) {
          simdjson::dom::object meta;
          if (entry.at(2).get_object().get(meta) != simdjson::SUCCESS) {
            return Status::InvalidArgument(where() + ": structured metadata must be an object");
          }
          VL_RETURN_IF_ERROR(StringPairs(meta, where() + " metadata", &metadata_));
        }
        VL_RETURN_IF_ERROR(AddEntry(builder, ts, line, pos));
      }
    }
    return Status::OK();
  }

  Status ParseProtobuf(std::string_view body) {
    // An arena: a request holds a string per line, label and metadata item; freeing them one by
    // one cost as much as parsing them.
    google::protobuf::Arena arena;
    auto& request = *google::protobuf::Arena::CreateMessage<proto::loki::PushRequest>(&arena);
    if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Status::InvalidArgument(
          "cannot parse Loki protobuf PushRequest (send `Content-Type: application/json` for JSON; protobuf "
          "bodies are snappy-compressed unless Content-Encoding says otherwise)");
    }
    size_t stream_no = 0;
    for (const proto::loki::Stream& stream : request.streams()) {
      ++stream_no;
      const std::string at = "stream " + std::to_string(stream_no);
      owned_labels_.clear();
      if (Status s = ParseLokiLabels(stream.labels(), &owned_labels_); !s.ok()) {
        return Status::InvalidArgument(at + ": " + s.message());
      }
      labels_.clear();
      for (const auto& [name, value] : owned_labels_) labels_.push_back(FieldView{name, value});
      RowBuilder& builder = streams_.For(labels_);
      size_t entry_no = 0;
      for (const proto::loki::Entry& entry : stream.entries()) {
        ++entry_no;
        metadata_.clear();
        for (const proto::loki::LabelPair& m : entry.structured_metadata()) {
          metadata_.push_back(FieldView{m.name(), m.value()});
        }
        const EntryPos pos{"stream", stream_no, "entry", entry_no};
        int64_t ts = 0;
        if (__builtin_mul_overflow(entry.timestamp().seconds(), kNanosPerSecond, &ts) ||
            __builtin_add_overflow(ts, entry.timestamp().nanos(), &ts)) {
          return Status::InvalidArgument(pos.ToString() + ": timestamp " + std::to_string(entry.timestamp().seconds()) +
                                         " s is out of range");
        }
        VL_RETURN_IF_ERROR(AddEntry(builder, ts, entry.line(), pos));
      }
    }
    return Status::OK();
  }

  // Labels and metadata must be strings, as in Loki.
  static Status StringPairs(simdjson::dom::object obj, const std::string& what, std::vector<FieldView>* out) {
    for (auto [key, value] : obj) {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) {
        return Status::InvalidArgument(what + " \"" + std::string(key) + "\" must be a string");
      }
      out->push_back(FieldView{key, s});
    }
    return Status::OK();
  }

  Status AddEntry(RowBuilder& builder, int64_t ts, std::string_view line, const EntryPos& pos) {
    fields_.assign(labels_.begin(), labels_.end());
    fields_.insert(fields_.end(), metadata_.begin(), metadata_.end());
    const size_t own_start = fields_.size();
    bool unpacked = false;
    if (parse_message_ && line.size() >= 2 && line.front() == '{' && line.back() == '}') {
      // A line that only looks like JSON stays the message.
      unpacked = line_json_.Parse(line, &fields_).ok();
      if (!unpacked) fields_.resize(own_start);
    }
    if (unpacked) {
      // As in VictoriaLogs, the entry's structured metadata may hold the message too (labels not).
      streams_.RenameMessageField(fields_, labels_.size());
    } else {
      fields_.push_back(FieldView{"_msg", line});
    }
    return Emit(builder, fields_, ts == 0 ? now_ns_ : ts, pos);
  }

  LabelStreams streams_;
  Status init_error_;
  bool json_body_ = false;
  bool parse_message_ = true;
  int64_t now_ns_ = 0;
  JsonFieldsParser line_json_;
  std::vector<std::pair<std::string, std::string>> owned_labels_;
  std::vector<FieldView> labels_, metadata_, fields_;
};

}  // namespace

std::string_view LokiDefaultEncoding(const HeaderGetter& header) {
  return IsJsonContentType(header("Content-Type")) ? std::string_view() : std::string_view("snappy");
}

std::unique_ptr<BodyParser> MakeLokiParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                           const RequestInfo& request) {
  return std::make_unique<LokiParser>(std::move(params), sink, options, request);
}

}  // namespace vl::insert
