#include "vl/logsql/result.h"

#include <algorithm>
#include <type_traits>

#include "vl/common/time_util.h"

namespace vl::logsql {

ResultColumn ResultColumn::Const(std::string name, std::string value, size_t rows) {
  ResultColumn c;
  c.name = std::move(name);
  c.type_ = Type::kConst;
  c.rows_ = rows;
  c.const_ = std::move(value);
  return c;
}

ResultColumn ResultColumn::Strings(std::string name, std::vector<std::string> values) {
  StringsBuilder b(values.size());
  for (const auto& v : values) b.Add(v);
  return b.Build(std::move(name));
}

ResultColumn ResultColumn::Views(std::string name, std::vector<std::string_view> views,
                                 std::vector<std::shared_ptr<const void>> keep) {
  ResultColumn c;
  c.name = std::move(name);
  c.type_ = Type::kStrings;
  c.rows_ = views.size();
  c.views_ = std::move(views);
  c.keep_ = std::move(keep);
  return c;
}

ResultColumn ResultColumn::Dict(std::string name, std::shared_ptr<const std::vector<std::string>> dict,
                                std::vector<uint32_t> codes) {
  ResultColumn c;
  c.name = std::move(name);
  c.type_ = Type::kDict;
  c.rows_ = codes.size();
  c.dict_ = std::move(dict);
  c.codes_ = std::move(codes);
  return c;
}

ResultColumn ResultColumn::Timestamps(std::string name, std::vector<int64_t> ts) {
  ResultColumn c;
  c.name = std::move(name);
  c.type_ = Type::kTimestamps;
  c.rows_ = ts.size();
  c.ts_ = std::move(ts);
  return c;
}

std::string_view ResultColumn::TimestampText(size_t i) const {
  if (!ts_text_) {
    // Formatted once for the whole column: callers read rows in loops.
    auto text = std::make_shared<std::vector<std::string>>(ts_.size());
    for (size_t k = 0; k < ts_.size(); ++k) AppendRFC3339Nano(ts_[k], &(*text)[k]);
    ts_text_ = std::move(text);
  }
  return (*ts_text_)[i];
}

namespace {

template <typename T>
std::vector<T> SelectValues(const std::vector<T>& in, const std::vector<uint8_t>& bm, size_t selected) {
  std::vector<T> out;
  out.reserve(selected);
  for (size_t i = 0; i < in.size(); ++i) {
    if (bm[i]) out.push_back(in[i]);
  }
  return out;
}

template <typename T>
std::vector<T> SliceValues(const std::vector<T>& in, size_t begin, size_t end) {
  return std::vector<T>(in.begin() + static_cast<ptrdiff_t>(begin), in.begin() + static_cast<ptrdiff_t>(end));
}

}  // namespace

template <typename Take>
ResultColumn ResultColumn::Derive(size_t rows, Take&& take) const {
  ResultColumn c;
  c.name = name;
  c.type_ = type_;
  c.rows_ = rows;
  c.const_ = const_;
  c.dict_ = dict_;
  c.keep_ = keep_;
  // Only the per-row arrays of the column's type (and its numbers) are non-empty.
  c.codes_ = take(codes_);
  c.views_ = take(views_);
  c.ts_ = take(ts_);
  c.nums_ = take(nums_);
  return c;
}

ResultColumn ResultColumn::Select(const std::vector<uint8_t>& bm, size_t selected) const {
  return Derive(selected, [&](const auto& v) { return v.empty() ? std::decay_t<decltype(v)>() : SelectValues(v, bm, selected); });
}

ResultColumn ResultColumn::Slice(size_t begin, size_t end) const {
  return Derive(end - begin, [&](const auto& v) { return v.empty() ? std::decay_t<decltype(v)>() : SliceValues(v, begin, end); });
}

ResultColumn ResultColumn::Reversed() const {
  ResultColumn c = Slice(0, rows_);
  std::reverse(c.codes_.begin(), c.codes_.end());
  std::reverse(c.views_.begin(), c.views_.end());
  std::reverse(c.ts_.begin(), c.ts_.end());
  std::reverse(c.nums_.begin(), c.nums_.end());
  return c;
}

ResultColumn StringsBuilder::Build(std::string name) {
  auto buf = std::make_shared<const std::string>(std::move(buf_));
  std::vector<std::string_view> views(offsets_.size() - 1);
  for (size_t i = 0; i + 1 < offsets_.size(); ++i) {
    views[i] = std::string_view(buf->data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  buf_.clear();
  offsets_.assign(1, 0);
  return ResultColumn::Views(std::move(name), std::move(views), {std::move(buf)});
}

}  // namespace vl::logsql
