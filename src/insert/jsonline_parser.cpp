#include "vl/insert/jsonline_parser.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <utility>

#include "vl/common/time_util.h"
#include "vl/insert/row_limits.h"

namespace vl::insert {

JsonLineParser::JsonLineParser(CommonParams params, RowWriter* sink, JsonLineParserOptions opts)
    : builder_(std::move(params), opts.row_options), sink_(sink), opts_(opts) {}

Status JsonLineParser::Feed(std::string_view chunk) {
  if (finished_) return Status::Internal("JsonLineParser::Feed called after Finish");
  const int64_t now_ns = NowNanos();
  while (!chunk.empty()) {
    const char* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
    const size_t len = nl != nullptr ? static_cast<size_t>(nl - chunk.data()) : chunk.size();
    const std::string_view piece = chunk.substr(0, len);
    chunk.remove_prefix(nl != nullptr ? len + 1 : len);
    if (skipping_) {  // rest of a too-long line
      if (nl != nullptr) {
        skipping_ = false;
        line_no_++;
      }
      continue;
    }
    if (nl == nullptr) {
      // Incomplete line: keep it unless it is already too long (+1 for a possible '\r').
      if (pending_.size() + len > opts_.max_line_size + 1) {
        too_long_lines_++;
        spdlog::warn("skipping line {} longer than {} bytes (-insert.maxLineSizeBytes); line start: {:.64}",
                     line_no_ + 1, opts_.max_line_size, pending_.empty() ? piece : std::string_view(pending_));
        pending_.clear();
        skipping_ = true;
      } else {
        pending_.append(piece);
      }
      break;
    }
    line_no_++;
    if (pending_.empty()) {
      ProcessLine(piece, now_ns);
    } else {
      pending_.append(piece);
      ProcessLine(pending_, now_ns);
      pending_.clear();
    }
  }
  return Status::OK();
}

Status JsonLineParser::Finish() {
  if (finished_) return Status::OK();
  finished_ = true;
  if (skipping_) {
    skipping_ = false;
    line_no_++;
    return Status::OK();
  }
  if (!pending_.empty()) {
    line_no_++;
    ProcessLine(pending_, NowNanos());
    pending_.clear();
    pending_.shrink_to_fit();
  }
  return Status::OK();
}

void JsonLineParser::ProcessLine(std::string_view line, int64_t now_ns) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > opts_.max_line_size) {
    too_long_lines_++;
    spdlog::warn("skipping line {} longer than {} bytes (-insert.maxLineSizeBytes); line start: {:.64}", line_no_,
                 opts_.max_line_size, line);
    return;
  }
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
  if (i == line.size()) return;  // empty line

  fields_.clear();
  Status st = json_.Parse(line, &fields_);
  if (st.ok()) {
    RowView row;
    RowLimit limit = RowLimit::kNone;
    st = builder_.Build(fields_, now_ns, &row, &limit);
    if (st.ok()) {
      sink_->Append(row);
      lines_ok_++;
      return;
    }
    if (limit != RowLimit::kNone) {
      // As in VictoriaLogs: the entry is dropped with a WARN, its neighbours are stored and
      // the request still succeeds.
      rows_dropped_++;
      ReportDroppedRow(limit, "line " + std::to_string(line_no_) + ": " + st.message());
      return;
    }
  }
  lines_failed_++;
  AddError(st.message());
}

void JsonLineParser::AddError(std::string reason) {
  last_error_.line_number = line_no_;
  last_error_.reason = std::move(reason);
  if (errors_.size() < opts_.max_kept_errors) errors_.push_back(last_error_);
}

std::vector<LineError> JsonLineParser::TakeErrors() {
  std::vector<LineError> out;
  out.swap(errors_);
  return out;
}

}  // namespace vl::insert
