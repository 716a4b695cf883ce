#include "vl/insert/whole_body_parser.h"

#include "vl/insert/row_limits.h"

namespace vl::insert {

Status WholeBodyParser::Emit(RowBuilder& builder, std::vector<FieldView>& fields, int64_t now_ns,
                             const std::string& where) {
  RowView row;
  RowLimit limit = RowLimit::kNone;
  Status s = builder.Build(fields, now_ns, &row, &limit);
  if (s.ok()) {
    sink_->Append(row);
    ++ok_;
    return Status::OK();
  }
  if (limit != RowLimit::kNone) {
    ReportDroppedRow(limit, where + ": " + s.message());
    return Status::OK();
  }
  return Status::InvalidArgument(where + ": " + s.message());
}

}  // namespace vl::insert
