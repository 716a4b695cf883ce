#include "vl/insert/row_builder.h"

#include <algorithm>
#include <utility>

#include "vl/common/time_util.h"
#include "vl/common/varint.h"

namespace vl::insert {

namespace {

bool IsReservedName(std::string_view name) {
  return name == "_time" || name == "_stream" || name == "_stream_id";
}

std::string Snippet(std::string_view s) {
  constexpr size_t kMax = 64;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

void Decolorize(std::string* s) {
  if (s->find('\x1b') == std::string::npos) return;
  std::string& str = *s;
  size_t w = 0, i = 0, n = str.size();
  while (i < n) {
    char c = str[i];
    if (c != '\x1b') {
      str[w++] = c;
      i++;
      continue;
    }
    i++;  // ESC
    if (i >= n) break;
    char k = str[i++];
    if (k == '[') {  // CSI: parameter bytes, intermediate bytes, one final byte
      while (i < n && static_cast<unsigned char>(str[i]) >= 0x20 && static_cast<unsigned char>(str[i]) <= 0x3f) i++;
      if (i < n && static_cast<unsigned char>(str[i]) >= 0x40 && static_cast<unsigned char>(str[i]) <= 0x7e) i++;
    } else if (k == ']') {  // OSC: up to BEL or ESC '\'
      while (i < n) {
        if (str[i] == '\x07') {
          i++;
          break;
        }
        if (str[i] == '\x1b' && i + 1 < n && str[i + 1] == '\\') {
          i += 2;
          break;
        }
        i++;
      }
    }
    // any other ESC x: both bytes dropped
  }
  str.resize(w);
}

RowBuilder::RowBuilder(CommonParams params, RowBuilderOptions opts) : params_(std::move(params)), opts_(opts) {}

const RowBuilder::StreamEntry& RowBuilder::StreamOf(const std::vector<FieldView>& fields) {
  const CommonParams& p = params_;
  const bool has_ignore = !p.ignore_fields.empty();
  // Stream-field values in stream_fields order ("" = absent or ignored: empty values are not tags).
  std::vector<std::pair<std::string_view, std::string_view>>& labels = labels_;
  labels.clear();
  key_.clear();
  for (const std::string& sf : p.stream_fields) {
    std::string_view v;
    if (!(has_ignore && p.IsIgnored(sf))) {
      for (const FieldView& f : fields) {
        if (f.name == sf) {
          v = f.value;
          break;
        }
      }
    }
    AppendLengthPrefixed(v, &key_);
    if (!v.empty()) labels.emplace_back(sf, v);
  }
  auto it = streams_.find(key_);
  if (it != streams_.end()) return it->second;
  if (streams_.size() >= 4096) streams_.clear();  // many streams: bound the memory
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  StreamEntry e;
  AppendCanonicalTags(labels, &e.tags);
  e.id = StreamID::ComputeFromCanonical(p.tenant, e.tags);
  return streams_.emplace(key_, std::move(e)).first->second;
}

Status RowBuilder::Build(std::vector<FieldView>& fields, int64_t now_ns, RowView* row, RowLimit* limit) {
  const CommonParams& p = params_;
  RowLimit unused;
  if (!limit) limit = &unused;
  *limit = RowLimit::kNone;
  row->tenant = p.tenant;
  arena_.Reset();

  // Timestamp: the first time field present (even when empty) is used and removed.
  size_t time_idx = SIZE_MAX;
  int64_t ts = now_ns;
  for (const auto& tf : p.time_fields) {
    for (size_t i = 0; i < fields.size(); i++) {
      if (fields[i].name == tf) {
        time_idx = i;
        break;
      }
    }
    if (time_idx != SIZE_MAX) break;
  }
  if (time_idx != SIZE_MAX) {
    const FieldView& f = fields[time_idx];
    if (!ParseIngestTimestamp(f.value, now_ns, &ts)) {
      return Status::InvalidArgument("cannot parse timestamp field \"" + std::string(f.name) + "\" value \"" +
                                     Snippet(f.value) + "\": expecting RFC3339 or a Unix timestamp");
    }
  }
  row->timestamp = ts;

  // _msg_field: the first listed field present with a non-empty value becomes _msg.
  size_t msg_idx = SIZE_MAX;
  for (const auto& mf : p.msg_fields) {
    for (size_t i = 0; i < fields.size(); i++) {
      if (i != time_idx && !fields[i].value.empty() && fields[i].name == mf && !p.IsIgnored(mf)) {
        msg_idx = i;
        break;
      }
    }
    if (msg_idx != SIZE_MAX) break;
  }

  const bool has_ignore = !p.ignore_fields.empty();
  const bool has_extra = !p.extra_fields.empty();
  const bool has_decolorize = !p.decolorize_fields.empty();
  bool has_msg = false;
  size_t w = 0;
  for (size_t i = 0; i < fields.size(); i++) {
    if (i == time_idx) continue;
    FieldView f = fields[i];
    if (f.value.empty()) continue;
    if (has_ignore && p.IsIgnored(f.name)) continue;
    if (i == msg_idx) {
      f.name = "_msg";
    } else {
      if (f.name.empty()) f.name = "_msg";
      if (f.name.size() <= 10 && IsReservedName(f.name)) continue;
      if (msg_idx != SIZE_MAX && f.name == "_msg") continue;  // replaced by the renamed field
      if (has_extra && p.IsExtraField(f.name)) continue;
    }
    if (has_decolorize && p.IsDecolorized(f.name) && f.value.find('\x1b') != std::string_view::npos) {
      std::string plain(f.value);
      Decolorize(&plain);
      if (plain.empty()) continue;
      f.value = arena_.Copy(plain);
    }
    if (f.name.size() > opts_.max_field_name_len) {
      *limit = RowLimit::kTooLongFieldName;
      return Status::InvalidArgument("field name \"" + Snippet(f.name) + "\" is longer than " +
                                     std::to_string(opts_.max_field_name_len) + " bytes");
    }
    if (!has_msg && f.name == "_msg") has_msg = true;
    fields[w++] = f;
  }
  fields.resize(w);
  for (const auto& ef : p.extra_fields) {
    if (ef.value.empty()) continue;
    fields.push_back(FieldView{ef.name, ef.value});
    if (ef.name == "_msg") has_msg = true;
  }
  if (!has_msg) fields.push_back(FieldView{"_msg", kDefaultMsgValue});
  if (fields.size() > opts_.max_fields) {
    *limit = RowLimit::kTooManyFields;
    return Status::InvalidArgument("too many fields: " + std::to_string(fields.size()) + " > " +
                                   std::to_string(opts_.max_fields) + " (-insert.maxFieldsPerLine)");
  }
  // The size the entry would have as a JSON object: {"name":"value",...} plus _time.
  size_t estimated = 2 + 40;
  for (const auto& f : fields) estimated += f.name.size() + f.value.size() + 6;
  if (estimated > opts_.max_row_bytes) {
    *limit = RowLimit::kTooBigRow;
    return Status::InvalidArgument("entry too big: about " + std::to_string(estimated) + " bytes as JSON > " +
                                   std::to_string(opts_.max_row_bytes) + " bytes");
  }

  const StreamEntry& stream = StreamOf(fields);
  row->stream_tags = stream.tags;
  row->stream_id = stream.id;
  row->fields = fields;
  return Status::OK();
}

}  // namespace vl::insert
