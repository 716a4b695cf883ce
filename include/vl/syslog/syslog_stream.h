// The bytes of one syslog TCP connection (or one UDP datagram) turned into rows: message
// framing, RFC 3164 / RFC 5424 parsing (the parser behind LogsQL's unpack_syslog) and the common
// ingestion rules (stream, ignore, decolorize and extra fields).
//
// Framing, per message: octet counting (`<decimal length> <message>`, RFC 6587) when the message
// starts with digits followed by a space, else the message runs to the next newline (newlines
// before a message are skipped). A trailing message without its newline is taken at Finish().
// Line ends (\n, \r\n) closing a message are framing, not text, in both forms.
//
// Unlike VictoriaLogs, a bad message never costs the rest of the connection: a message whose
// timestamp cannot be read, or that is longer than max_message_bytes, is skipped, counted and
// logged (with its number on the connection), and the stream goes on with the next one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/status.h"
#include "vl/common/time_zone.h"
#include "vl/insert/row_builder.h"
#include "vl/insert/row_store.h"
#include "vl/logsql/syslog_parser.h"

namespace vl::syslog {

// The per-listener settings (-syslog.*.tcp / -syslog.*.udp, paired with the listen address).
struct StreamOptions {
  TenantID tenant;                                                  // -syslog.tenantID.*
  std::vector<std::string> stream_fields{"hostname", "app_name", "proc_id"};  // -syslog.streamFields.*
  std::vector<std::string> ignore_fields;                           // -syslog.ignoreFields.*
  std::vector<std::string> decolorize_fields;                       // -syslog.decolorizeFields.*
  std::vector<Field> extra_fields;                                  // -syslog.extraFields.*
  bool use_local_timestamp = false;  // -syslog.useLocalTimestamp.*: _time = arrival; `timestamp` stays a field
  TimeZone timezone;                 // -syslog.timezone: the zone of RFC 3164 stamps
  size_t max_message_bytes = 256 * 1024;  // -insert.maxLineSizeBytes
  insert::RowBuilderOptions row_options;
};

class SyslogStream {
 public:
  // `sink` receives the rows; committing them is the caller's business.
  SyslogStream(const StreamOptions& options, insert::RowWriter* sink);

  // The next piece of the (decompressed) byte stream. Never fails: bad messages are skipped.
  void Feed(std::string_view data);
  // The stream ended (connection closed, datagram done): a message without its final newline
  // is taken, a cut octet-counted message is counted as bad. The stream may then be reused.
  void Finish();

  uint64_t messages_ok() const { return ok_; }
  uint64_t messages_bad() const { return bad_; }
  uint64_t messages_too_long() const { return too_long_; }
  // The reason the last message was skipped ("" when none was).
  const std::string& last_error() const { return last_error_; }

 private:
  enum class State { kStart, kLength, kCounted, kLine, kSkipLine };
  void Message(std::string_view text);
  void Skip(std::string reason, bool too_long);

  const StreamOptions& options_;
  insert::RowWriter* sink_;
  insert::RowBuilder builder_;
  logsql::pipes::SyslogParser parser_;
  std::vector<FieldView> fields_;

  State state_ = State::kStart;
  std::string pending_;     // the message (or length digits) being assembled
  size_t counted_left_ = 0;  // bytes still to come of an octet-counted message
  bool counted_skip_ = false;  // the counted message is too long: its bytes are dropped
  uint64_t message_no_ = 0, ok_ = 0, bad_ = 0, too_long_ = 0;
  std::string last_error_;
};

}  // namespace vl::syslog
