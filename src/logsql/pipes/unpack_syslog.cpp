// `unpack_syslog [if (...)] [from field] [offset D] [result_prefix "p"] [keep_original_fields]`:
// an RFC 5424 or RFC 3164 line becomes priority, facility, severity, level, hostname, app_name,
// proc_id, msg_id, message, structured-data params (`SDID.param`) and so on; `offset` is the
// time zone of RFC 3164 timestamps.
#include "syslog_parser.h"
#include "unpack_common.h"
#include "vl/common/time_util.h"

namespace vl::logsql::pipes {
namespace {

class UnpackSyslogPipe final : public Pipe {
 public:
  UnpackSyslogPipe(UnpackOptions opts, int64_t offset_ns, int64_t now_ns)
      : opts_(std::move(opts)), offset_ns_(offset_ns), now_ns_(now_ns) {}
  std::string String() const override { return "unpack_syslog" + opts_.condition.String() + opts_.String(); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnpackSyslogPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { opts_.AddNeeded(needed); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = opts_.condition.Rows(b);
    const ResultColumn* in = b.Find(opts_.from);
    if (!in) return std::move(b);
    UnpackWriter w(b, opts_);
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    std::string scratch;
    for (size_t r = 0; r < b.rows; ++r) {
      const std::string_view v = in->at(r);
      if (!rows[r] || v.empty()) continue;
      ParseSyslog(v, now_ns_, offset_ns_, &fields, &scratch);
      for (const auto& [k, val] : fields) w.Set(r, k, val);
    }
    w.Finish(&b);
    return std::move(b);
  }

 private:
  UnpackOptions opts_;
  int64_t offset_ns_;
  int64_t now_ns_;
};

}  // namespace

std::unique_ptr<Pipe> ParseUnpackSyslog(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  using O = UnpackOptions;
  if (!opts.ParseTrailing(p, O::kFrom | O::kPrefix | O::kKeep | O::kOffset)) return nullptr;
  int64_t offset_ns = 0;
  if (!opts.offset.empty()) {
    std::string_view o = opts.offset;
    const bool neg = !o.empty() && o.front() == '-';
    if (neg) o.remove_prefix(1);
    if (!ParseDuration(o, &offset_ns)) return p.FailNull("cannot parse offset \"" + opts.offset + "\"", "a duration");
    if (neg) offset_ns = -offset_ns;
  }
  return std::make_unique<UnpackSyslogPipe>(std::move(opts), offset_ns, p.now());
}

}  // namespace vl::logsql::pipes
