#include "vl/common/row_view.h"

namespace vl {

LogRow ToLogRow(const RowView& row) {
  LogRow out;
  out.tenant = row.tenant;
  out.timestamp = row.timestamp;
  out.stream_id = row.stream_id;
  if (!StreamTags::UnmarshalCanonical(row.stream_tags, &out.stream_tags)) out.stream_tags = StreamTags();
  out.fields.reserve(row.fields.size());
  for (const FieldView& f : row.fields) out.fields.push_back(Field{std::string(f.name), std::string(f.value)});
  return out;
}

RowView ViewOf(const LogRow& row, std::string* tags, std::vector<FieldView>* fields) {
  *tags = row.stream_tags.MarshalCanonical();
  fields->clear();
  fields->reserve(row.fields.size());
  for (const Field& f : row.fields) fields->push_back(FieldView{f.name, f.value});
  RowView v;
  v.tenant = row.tenant;
  v.timestamp = row.timestamp;
  v.stream_id = row.stream_id;
  if (v.stream_id.hi == 0 && v.stream_id.lo == 0) v.stream_id = StreamID::ComputeFromCanonical(row.tenant, *tags);
  v.stream_id.tenant = row.tenant;
  v.stream_tags = *tags;
  v.fields = *fields;
  return v;
}

}  // namespace vl
