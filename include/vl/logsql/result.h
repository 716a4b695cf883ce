// Query results: columnar blocks that keep what storage knew about their values, a sink that
// receives them, and JSON Lines output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vl::logsql {

// One column of a block of result rows. It keeps the form storage (or the pipe that made it)
// knew: one constant for every row, a dictionary of distinct values with a code per row,
// timestamps as integers, or strings as views into buffers the column shares ownership of (so
// selecting, slicing and reversing rows copies no bytes). Pipes that do not care read every
// value as text through at(); "" means the row lacks the field.
class ResultColumn {
 public:
  enum class Type : uint8_t { kConst, kDict, kStrings, kTimestamps };

  ResultColumn() = default;
  static ResultColumn Const(std::string name, std::string value, size_t rows);
  static ResultColumn Strings(std::string name, std::vector<std::string> values);
  // Views that stay valid while `keep` lives.
  static ResultColumn Views(std::string name, std::vector<std::string_view> views,
                            std::vector<std::shared_ptr<const void>> keep);
  // `codes[i]` indexes `dict`.
  static ResultColumn Dict(std::string name, std::shared_ptr<const std::vector<std::string>> dict,
                           std::vector<uint32_t> codes);
  // Nanoseconds, shown as RFC3339 with nanoseconds (as `_time` is).
  static ResultColumn Timestamps(std::string name, std::vector<int64_t> ts);

  std::string name;

  Type type() const { return type_; }
  size_t rows() const { return rows_; }
  // The value of row `i` as text. Timestamps are formatted on the first call.
  std::string_view at(size_t i) const {
    switch (type_) {
      case Type::kConst: return const_;
      case Type::kDict: return (*dict_)[codes_[i]];
      case Type::kStrings: return views_[i];
      case Type::kTimestamps: return TimestampText(i);
    }
    return {};
  }
  // Typed access for pipes that use the form.
  const std::string& const_value() const { return const_; }                          // kConst
  const std::vector<std::string>& dict() const { return *dict_; }                    // kDict
  const std::vector<uint32_t>& codes() const { return codes_; }                      // kDict
  const std::vector<int64_t>& timestamps() const { return ts_; }                     // kTimestamps
  // Each row's value as a number when storage kept the column numerically (integers, fixed
  // decimals): as std::from_chars reads the text, NaN where the row lacks the field; nullptr
  // otherwise. The text stays what at() returns.
  const double* numbers() const { return nums_.empty() ? nullptr : nums_.data(); }
  void SetNumbers(std::vector<double> nums) { nums_ = std::move(nums); }

  // Rows whose bit is set (`selected` of them).
  ResultColumn Select(const std::vector<uint8_t>& bm, size_t selected) const;
  // Rows [begin, end).
  ResultColumn Slice(size_t begin, size_t end) const;
  ResultColumn Reversed() const;

 private:
  std::string_view TimestampText(size_t i) const;
  // A column of the same type over `rows` rows; `take` maps each per-row array.
  template <typename Take>
  ResultColumn Derive(size_t rows, Take&& take) const;

  Type type_ = Type::kConst;
  size_t rows_ = 0;
  std::string const_;
  std::shared_ptr<const std::vector<std::string>> dict_;
  std::vector<uint32_t> codes_;
  std::vector<std::string_view> views_;
  std::vector<std::shared_ptr<const void>> keep_;  // buffers views_ point into
  std::vector<int64_t> ts_;
  std::vector<double> nums_;  // empty, or one per row
  mutable std::shared_ptr<std::vector<std::string>> ts_text_;  // at() of timestamps
};

// Collects string values into one buffer and makes a kStrings column of them.
class StringsBuilder {
 public:
  explicit StringsBuilder(size_t rows_hint = 0) { offsets_.reserve(rows_hint + 1); offsets_.push_back(0); }
  void Add(std::string_view v) {
    buf_.append(v);
    offsets_.push_back(buf_.size());
  }
  size_t rows() const { return offsets_.size() - 1; }
  ResultColumn Build(std::string name);

 private:
  std::string buf_;
  std::vector<size_t> offsets_;
};

// A block of result rows, columnar, in output column order.
struct ResultBlock {
  size_t rows = 0;
  std::vector<ResultColumn> columns;

  // nullptr when the block has no such column.
  const ResultColumn* Find(std::string_view name) const;
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Return false to stop the query (e.g. the client went away).
  // ExecuteQuery serializes calls: Write is never called concurrently for one query.
  virtual bool Write(const ResultBlock& block) = 0;
};

// One JSON object per row, `\n`-terminated; empty values skipped; rows with all values empty skipped.
void AppendJsonLines(const ResultBlock& block, std::string* out);
// JSON string literal (with quotes); control chars escaped, invalid UTF-8 replaced by U+FFFD.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace vl::logsql
