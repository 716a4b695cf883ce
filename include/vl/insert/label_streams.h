// Row building for protocols whose entries carry their own stream labels (Loki's labels, an
// OTLP resource's attributes): unless the request names `_stream_fields`, an entry's stream is
// its labels, so there is one RowBuilder per distinct set of label names. `_msg_field` applies
// only to an entry's own fields (an unpacked JSON line, a kvlist body), never to its labels, so
// it is taken out of the builders' params and applied by RenameMessageField(). Timestamps are
// the entries' own: builders read no time field and take the entry time as "now".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/insert/common_params.h"
#include "vl/insert/row_builder.h"

namespace vl::insert {

class LabelStreams {
 public:
  LabelStreams(CommonParams params, RowBuilderOptions options);

  // The builder for entries labelled `labels` (their names in order make the stream fields).
  RowBuilder& For(const std::vector<FieldView>& labels);
  // Renames to `_msg` the first `_msg_field` present with a non-empty value in fields[from..].
  void RenameMessageField(std::vector<FieldView>& fields, size_t from) const;

 private:
  // A request of many label sets with distinct names must not pile up builders.
  static constexpr size_t kMaxBuilders = 1024;

  CommonParams params_;
  RowBuilderOptions options_;
  std::vector<std::string> msg_fields_;
  std::unique_ptr<RowBuilder> fixed_;  // the request named _stream_fields
  std::map<std::string, std::unique_ptr<RowBuilder>> by_names_;
  std::string key_;
};

// `application/json`, with or without parameters such as `; charset=utf-8`.
bool IsJsonContentType(std::string_view content_type);

}  // namespace vl::insert
