// `/insert/opentelemetry/v1/logs`: OTLP/HTTP logs, the protobuf ExportLogsServiceRequest that
// OpenTelemetry SDK exporters and the Collector's otlphttp exporter send. As in VictoriaLogs:
// - JSON bodies (`Content-Type: application/json`) are refused: only protobuf is accepted.
// - Resource attributes (nested kvlists flattened with `.`) are fields of each of the resource's
//   records and, unless the request names `_stream_fields`, its stream fields.
// - A kvlist body becomes fields (then `_msg_field` applies to them, and only to them); any
//   other body is the `_msg`. Record attributes become fields. `trace_id` / `span_id` in hex,
//   `severity` is the severity text or the name of the severity number.
// - The time is time_unix_nano, else observed_time_unix_nano, else now; `_time_field` is unused.
// - Scope (instrumentation library) information is not stored.
// Values that are not strings are formatted as VictoriaLogs formats them: arrays and nested
// kvlists as JSON, doubles as JavaScript prints numbers, bytes as standard base64.
#include <otlp_logs.pb.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "vl/common/byte_arena.h"
#include "vl/common/time_util.h"
#include "vl/insert/label_streams.h"
#include "vl/insert/protocols.h"
#include "vl/insert/whole_body_parser.h"

namespace vl::insert {

namespace {

namespace otlp = proto::otlp;

// OTLP's SeverityNumber names (as the Collector's pdata spells them); out-of-range numbers are
// "Unspecified".
constexpr std::string_view kSeverityNames[] = {
    "Unspecified", "Trace", "Trace2", "Trace3", "Trace4", "Debug", "Debug2", "Debug3", "Debug4",
    "Info",        "Info2", "Info3",  "Info4",  "Warn",   "Warn2", "Warn3",  "Warn4",  "Error",
    "Error2",      "Error3", "Error4", "Fatal",  "Fatal2", "Fatal3", "Fatal4"};

std::string_view SeverityOf(const otlp::LogRecord& r) {
  if (!r.severity_text().empty()) return r.severity_text();
  const int32_t n = r.severity_number();
  if (n < 0 || n >= static_cast<int32_t>(std::size(kSeverityNames))) return kSeverityNames[0];
  return kSeverityNames[n];
}

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 15]);
  }
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out->push_back(kAlphabet[(v >> shift) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) return;
  uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
  if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
  out->push_back(kAlphabet[(v >> 18) & 63]);
  out->push_back(kAlphabet[(v >> 12) & 63]);
  out->push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
  out->push_back('=');
}

// A double as JavaScript (and Go's encoding/json, which VictoriaLogs follows) prints it: the
// shortest text that reads back the same, in plain notation unless |f| < 1e-6 or >= 1e21, with
// exponents not padded ("1e-7"). NaN and infinities get Go's error text, as in VictoriaLogs.
void AppendDouble(double f, std::string* out) {
  if (std::isnan(f)) {
    out->append("json: unsupported value: NaN");
    return;
  }
  if (std::isinf(f)) {
    out->append(f > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf");
    return;
  }
  const double abs = std::fabs(f);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[400];  // the longest plain double below 1e21 is far shorter
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f,
                                 exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string_view text(buf, ec == std::errc() ? end - buf : 0);
  const size_t n = text.size();
  if (exponent && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
    out->append(text.substr(0, n - 2));  // "e-07" -> "e-7"
    out->push_back(text[n - 1]);
    return;
  }
  out->append(text);
}

// A JSON string literal, escaped as VictoriaLogs' templates escape it (`<` and `'` as \u003c and
// \u0027 besides the usual escapes).
void AppendJsonQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '<': out->append("\\u003c"); break;
      case '\'': out->append("\\u0027"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 15]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// An AnyValue's text. At the top level (a field's value) a string is itself; inside an array or
// kvlist it is JSON. A value-less AnyValue is "" at the top level (the field is then absent) and
// JSON null inside (VictoriaLogs writes nothing there, leaving invalid JSON).
void AppendAnyValue(const otlp::AnyValue& v, bool top_level, std::string* out) {
  switch (v.value_case()) {
    case otlp::AnyValue::kStringValue:
      if (top_level) out->append(v.string_value());
      else AppendJsonQuoted(v.string_value(), out);
      break;
    case otlp::AnyValue::kBoolValue: out->append(v.bool_value() ? "true" : "false"); break;
    case otlp::AnyValue::kIntValue: out->append(std::to_string(v.int_value())); break;
    case otlp::AnyValue::kDoubleValue: AppendDouble(v.double_value(), out); break;
    case otlp::AnyValue::kBytesValue: {
      std::string encoded;
      AppendBase64(v.bytes_value(), &encoded);
      if (top_level) out->append(encoded);
      else AppendJsonQuoted(encoded, out);
      break;
    }
    case otlp::AnyValue::kArrayValue: {
      out->push_back('[');
      bool first = true;
      for (const otlp::AnyValue& e : v.array_value().values()) {
        if (!first) out->push_back(',');
        first = false;
        AppendAnyValue(e, false, out);
      }
      out->push_back(']');
      break;
    }
    case otlp::AnyValue::kKvlistValue: {
      out->push_back('{');
      bool first = true;
      for (const otlp::KeyValue& kv : v.kvlist_value().values()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonQuoted(kv.key(), out);
        out->push_back(':');
        if (kv.has_value()) AppendAnyValue(kv.value(), false, out);
        else out->append("null");
      }
      out->push_back('}');
      break;
    }
    case otlp::AnyValue::VALUE_NOT_SET:
      if (!top_level) out->append("null");
      break;
  }
}

class OpenTelemetryParser : public WholeBodyParser {
 public:
  OpenTelemetryParser(CommonParams params, RowWriter* sink, const ParserOptions& options, const RequestInfo& request)
      : WholeBodyParser(sink), streams_(std::move(params), options.row_options) {
    json_body_ = IsJsonContentType(request.header("Content-Type"));
  }

 protected:
  Status Parse(std::string_view body) override {
    if (json_body_) {
      return Status::InvalidArgument(
          "json encoding isn't supported for opentelemetry format; send protobuf (Content-Type: "
          "application/x-protobuf)");
    }
    // An arena: a request holds strings per attribute and record; freeing them one by one cost
    // as much as parsing them.
    google::protobuf::Arena arena;
    auto& request = *google::protobuf::Arena::CreateMessage<otlp::ExportLogsServiceRequest>(&arena);
    // protobuf takes an int size: a body over 2 GiB (-opentelemetry.maxRequestSize allows it) is refused.
    if (body.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
        !request.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Status::InvalidArgument("cannot unmarshal OpenTelemetry ExportLogsServiceRequest from " +
                                     std::to_string(body.size()) + " bytes of protobuf");
    }
    const int64_t now_ns = NowNanos();
    size_t resource_no = 0;
    for (const otlp::ResourceLogs& rl : request.resource_logs()) {
      ++resource_no;
      resource_arena_.Reset();
      resource_.clear();
      AppendKeyValues(rl.resource().attributes(), "", resource_arena_, &resource_);
      RowBuilder& builder = streams_.For(resource_);
      size_t record_no = 0;
      for (const otlp::ScopeLogs& scope : rl.scope_logs()) {
        for (const otlp::LogRecord& record : scope.log_records()) {
          ++record_no;
          AddRecord(record);
          int64_t ts = static_cast<int64_t>(record.time_unix_nano());
          if (ts == 0) ts = static_cast<int64_t>(record.observed_time_unix_nano());
          if (ts == 0) ts = now_ns;
          VL_RETURN_IF_ERROR(Emit(builder, fields_, ts, EntryPos{"resource", resource_no, "record", record_no}));
        }
      }
    }
    return Status::OK();
  }

 private:
  // Appends `kvs` as fields named `prefix` + key; a kvlist value is flattened under "key.".
  // Names and values live in `arena`. Protobuf's nesting limit bounds the recursion.
  void AppendKeyValues(const google::protobuf::RepeatedPtrField<otlp::KeyValue>& kvs, std::string_view prefix,
                       ByteArena& arena, std::vector<FieldView>* out) {
    for (const otlp::KeyValue& kv : kvs) {
      std::string_view name = kv.key();
      if (!prefix.empty()) {
        scratch_.assign(prefix);
        scratch_.push_back('.');
        scratch_.append(kv.key());
        name = arena.Copy(scratch_);
      }
      if (kv.value().value_case() == otlp::AnyValue::kKvlistValue) {
        AppendKeyValues(kv.value().kvlist_value().values(), name, arena, out);
        continue;
      }
      // Strings are viewed in place (the request outlives the rows built from it).
      if (kv.value().value_case() == otlp::AnyValue::kStringValue) {
        out->push_back(FieldView{name, kv.value().string_value()});
        continue;
      }
      scratch_.clear();
      AppendAnyValue(kv.value(), true, &scratch_);
      out->push_back(FieldView{name, arena.Copy(scratch_)});
    }
  }

  // fields_ = the resource's fields, then the record's own.
  void AddRecord(const otlp::LogRecord& r) {
    record_arena_.Reset();
    fields_.assign(resource_.begin(), resource_.end());
    if (r.body().value_case() == otlp::AnyValue::kKvlistValue) {
      const size_t body_start = fields_.size();
      AppendKeyValues(r.body().kvlist_value().values(), "", record_arena_, &fields_);
      streams_.RenameMessageField(fields_, body_start);
    } else if (r.body().value_case() == otlp::AnyValue::kStringValue) {
      fields_.push_back(FieldView{"_msg", r.body().string_value()});
    } else {
      scratch_.clear();
      AppendAnyValue(r.body(), true, &scratch_);
      fields_.push_back(FieldView{"_msg", record_arena_.Copy(scratch_)});
    }
    AppendKeyValues(r.attributes(), "", record_arena_, &fields_);
    if (!r.trace_id().empty()) AppendHexField("trace_id", r.trace_id());
    if (!r.span_id().empty()) AppendHexField("span_id", r.span_id());
    fields_.push_back(FieldView{"severity", SeverityOf(r)});
  }

  void AppendHexField(std::string_view name, std::string_view bytes) {
    scratch_.clear();
    AppendHex(bytes, &scratch_);
    fields_.push_back(FieldView{name, record_arena_.Copy(scratch_)});
  }


  LabelStreams streams_;
  bool json_body_ = false;
  ByteArena resource_arena_, record_arena_;  // formatted values and joined names
  std::vector<FieldView> resource_, fields_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<BodyParser> MakeOpenTelemetryParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                                    const RequestInfo& request) {
  return std::make_unique<OpenTelemetryParser>(std::move(params), sink, options, request);
}

}  // namespace vl::insert
