#include "vl/insert/label_streams.h"

namespace vl::insert {

LabelStreams::LabelStreams(CommonParams params, RowBuilderOptions options) : options_(options) {
  msg_fields_ = std::move(params.msg_fields);
  params.msg_fields.clear();
  params.time_fields.clear();
  params_ = std::move(params);
  if (!params_.stream_fields.empty()) fixed_ = std::make_unique<RowBuilder>(params_, options_);
}

RowBuilder& LabelStreams::For(const std::vector<FieldView>& labels) {
  if (fixed_) return *fixed_;
  key_.clear();
  for (const FieldView& l : labels) {
    key_.append(l.name);
    key_.push_back('\0');
  }
  if (by_names_.size() >= kMaxBuilders && !by_names_.contains(key_)) by_names_.clear();
  auto& b = by_names_[key_];
  if (!b) {
    CommonParams p = params_;
    for (const FieldView& l : labels) p.stream_fields.emplace_back(l.name);
    b = std::make_unique<RowBuilder>(std::move(p), options_);
  }
  return *b;
}

void LabelStreams::RenameMessageField(std::vector<FieldView>& fields, size_t from) const {
  for (const std::string& name : msg_fields_) {
    for (size_t i = from; i < fields.size(); ++i) {
      if (fields[i].name == name && !fields[i].value.empty()) {
        fields[i].name = "_msg";
        return;
      }
    }
  }
}

bool IsJsonContentType(std::string_view content_type) {
  std::string_view mime = content_type.substr(0, content_type.find(';'));
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  return mime == "application/json";
}

}  // namespace vl::insert
