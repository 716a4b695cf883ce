// `unpack_syslog [if (...)] [from field] [offset D] [result_prefix "p"] [keep_original_fields]`:
// an RFC 5424 or RFC 3164 line becomes priority, facility, severity, level, hostname, app_name,
// proc_id, msg_id, message, structured-data params (`SDID.param`) and so on; `offset` is the
// time zone of RFC 3164 timestamps.
#include "vl/logsql/syslog_parser.h"
#include "unpack_common.h"
#include "vl/common/time_util.h"

namespace vl::logsql::pipes {
namespace {

struct SyslogFormat {
  static constexpr const char* kName = "unpack_syslog";
  int64_t offset_ns = 0;
  int64_t now_ns = 0;
  struct Parser {
    int64_t offset_ns, now_ns;
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    std::string scratch;
    template <typename Emit>
    void Parse(std::string_view v, Emit&& emit) {
      ParseSyslog(v, now_ns, offset_ns, &fields, &scratch);
      for (const auto& [k, val] : fields) emit(k, val);
    }
  };
  Parser MakeParser() const { return Parser{offset_ns, now_ns, {}, {}}; }
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackSyslog(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  using O = UnpackOptions;
  if (!opts.ParseTrailing(p, O::kFrom | O::kPrefix | O::kKeep | O::kOffset)) return nullptr;
  SyslogFormat format;
  format.now_ns = p.now();
  if (!opts.offset.empty()) {
    std::string_view o = opts.offset;
    const bool neg = !o.empty() && o.front() == '-';
    if (neg) o.remove_prefix(1);
    if (!ParseDuration(o, &format.offset_ns)) return p.FailNull("cannot parse offset \"" + opts.offset + "\"", "a duration");
    if (neg) format.offset_ns = -format.offset_ns;
  }
  return std::make_unique<UnpackPipe<SyslogFormat>>(std::move(opts), format);
}

}  // namespace vl::logsql::pipes
