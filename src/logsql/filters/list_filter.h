// Internal: a filter over a list of values that may come from a subquery: `in(...)`,
// `contains_all(...)`, `contains_any(...)`. Until the subquery has run the filter prints it
// (`in(<query>)`) and matches nothing (fails closed); ResolveSubquery hands it the values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "filter_util.h"
#include "vl/logsql/query.h"

namespace vl::logsql::filters {

class ListFilter : public FieldFilter {
 public:
  ListFilter(std::string field, std::vector<std::string> values)
      : FieldFilter(std::move(field)), values_(std::move(values)) {}
  ListFilter(std::string field, std::unique_ptr<Query> subquery)
      : FieldFilter(std::move(field)), subquery_(std::move(subquery)) {}

  std::string String() const override {
    if (subquery_) return FieldPrefix(field_) + std::string(kind()) + "(" + subquery_->ToString() + ")";
    return FuncString(field_, kind(), values_);
  }
  const Query* pending_subquery() const override { return subquery_.get(); }
  Query* mutable_pending_subquery() override { return subquery_.get(); }
  void ResolveSubquery(std::vector<std::string> values) override {
    subquery_.reset();
    values_ = std::move(values);
    OnValues();
  }

 protected:
  // A copy of this filter's kind with the same values or subquery.
  template <typename T>
  std::unique_ptr<Filter> CloneAs() const {
    if (subquery_) return std::make_unique<T>(field_, subquery_->Clone());
    return std::make_unique<T>(field_, values_);
  }
  // Recomputes what derives from the values; called by constructors and ResolveSubquery.
  virtual void OnValues() = 0;
  bool pending() const { return subquery_ != nullptr; }

  std::vector<std::string> values_;

 private:
  std::unique_ptr<Query> subquery_;
};

}  // namespace vl::logsql::filters
