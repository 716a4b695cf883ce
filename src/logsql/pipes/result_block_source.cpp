#include "result_block_source.h"

#include "vl/common/time_util.h"

namespace vl::logsql {

FieldValues ResultBlockSource::Get(std::string_view field) {
  FieldValues fv;
  const ResultColumn* c = b_.Find(field);
  if (!c) return fv;
  if (c->type() == ResultColumn::Type::kConst) {
    fv.constant = c->const_value();
    return fv;
  }
  std::string key(field);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    std::vector<std::string_view> vals(c->rows());
    for (size_t i = 0; i < vals.size(); ++i) vals[i] = c->at(i);
    it = cache_.emplace(key, std::move(vals)).first;
  }
  if (!it->second.empty()) fv.values = it->second.data();
  return fv;
}

const int64_t* ResultBlockSource::timestamps() {
  if (ts_.empty() && b_.rows > 0) {
    const ResultColumn* c = b_.Find("_time");
    if (!c) return nullptr;
    if (c->type() == ResultColumn::Type::kTimestamps) return c->timestamps().data();
    ts_.resize(b_.rows, INT64_MIN);
    for (size_t i = 0; i < b_.rows; ++i) {
      int64_t t;
      if (ParseRFC3339(c->at(i), &t)) ts_[i] = t;
    }
  }
  return ts_.data();
}

}  // namespace vl::logsql
