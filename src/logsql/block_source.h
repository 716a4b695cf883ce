// Internal: filter evaluation over one storage block (EvalSource on a BlockView).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_eval.h"
#include "vl/storage/block.h"

namespace vl::logsql {

class BlockSource : public EvalSource {
 public:
  explicit BlockSource(BlockView& b) : b_(b), n_(b.rows_count()) {}
  size_t rows() const override { return n_; }

  FieldValues Get(std::string_view field) override {
    FieldValues fv;
    if (field == "_stream") {
      if (stream_.empty()) stream_ = b_.stream_tags().ToString();
      fv.constant = stream_;
    } else if (field == "_stream_id") {
      if (stream_id_.empty()) stream_id_ = b_.stream_id().ToString();
      fv.constant = stream_id_;
    } else if (field == "_time") {
      if (time_views_.empty() && n_ > 0) {
        auto ts = b_.timestamps();
        time_strs_.resize(n_);
        time_views_.resize(n_);
        for (size_t i = 0; i < n_; ++i) {
          AppendRFC3339Nano(ts[i], &time_strs_[i]);
          time_views_[i] = time_strs_[i];
        }
      }
      fv.values = time_views_.empty() ? nullptr : time_views_.data();
    } else if (std::string_view v; b_.ConstValue(field, &v)) {
      fv.constant = v;  // same value in every row (or absent): the filter runs once
    } else if (const ColumnValues* c = b_.column(field)) {
      fv.values = c->data();
    }
    return fv;
  }
  bool MayContainToken(std::string_view field, std::string_view token) override {
    return b_.MayContainToken(field, token);
  }
  bool KnownConst(std::string_view field, std::string_view* value) override {
    if (field == "_time" || field == "_stream" || field == "_stream_id") return false;
    return b_.ConstValue(field, value);
  }
  const int64_t* timestamps() override { return b_.timestamps().data(); }
  std::optional<std::pair<int64_t, int64_t>> time_bounds() override {
    return std::make_pair(b_.min_timestamp(), b_.max_timestamp());
  }
  const StreamTags* stream_tags() override { return &b_.stream_tags(); }
  const StreamID* stream_id() override { return &b_.stream_id(); }
  std::string_view ColumnType(std::string_view field) override {
    if (field == "_time" || field == "_stream" || field == "_stream_id") return {};
    return b_.ColumnType(field);
  }
  bool NumericRange(std::string_view field, double* min, double* max) override {
    return b_.NumericRange(field, min, max);
  }
  const double* NumericValues(std::string_view field) override {
    if (field == "_time" || field == "_stream" || field == "_stream_id") return nullptr;
    return b_.NumericColumn(field);
  }

 private:
  BlockView& b_;
  size_t n_;
  std::string stream_, stream_id_;
  std::vector<std::string> time_strs_;
  std::vector<std::string_view> time_views_;
};

}  // namespace vl::logsql
