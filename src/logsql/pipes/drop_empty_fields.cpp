// `drop_empty_fields`: fields with empty values are dropped, and rows left with no field at all.
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class DropEmptyFieldsPipe final : public Pipe {
 public:
  std::string String() const override { return "drop_empty_fields"; }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<DropEmptyFieldsPipe>(*this); }
  void UpdateNeeded(NeededFields*) const override {}
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    // A row's empty value already reads as a missing field; columns empty in every row go, and
    // so do rows empty in every column.
    std::erase_if(b.columns, [](const ResultColumn& c) {
      if (c.type() == ResultColumn::Type::kConst) return c.const_value().empty();
      for (size_t r = 0; r < c.rows(); ++r) {
        if (!c.at(r).empty()) return false;
      }
      return true;
    });
    Bitmap keep(b.rows, 0);
    size_t kept = 0;
    for (const auto& c : b.columns) {
      if (c.type() == ResultColumn::Type::kConst || c.type() == ResultColumn::Type::kTimestamps) {
        return std::move(b);  // non-empty in every row
      }
    }
    for (size_t r = 0; r < b.rows; ++r) {
      for (const auto& c : b.columns) {
        if (!c.at(r).empty()) {
          keep[r] = 1;
          ++kept;
          break;
        }
      }
    }
    if (kept == b.rows) return std::move(b);
    return SelectRows(b, keep);
  }
};

}  // namespace

std::unique_ptr<Pipe> ParseDropEmptyFields(parser_internal::Parser&) { return std::make_unique<DropEmptyFieldsPipe>(); }

}  // namespace vl::logsql::pipes
