// `_time:day_range[08:00, 18:00) offset 2h`: the row's time of day, taken from its timestamp
// minus the offset, falls in the range. A range that would wrap past midnight matches nothing.
#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {
namespace {

constexpr int64_t kDayNs = 86400LL * 1'000'000'000;

class DayRangeFilter final : public Filter {
 public:
  DayRangeFilter(int64_t start, int64_t end, int64_t offset, std::string text)
      : start_(start), end_(end), offset_(offset), text_(std::move(text)) {}
  std::string_view kind() const override { return "day_range"; }
  std::string String() const override { return "_time:" + text_; }
  std::unique_ptr<Filter> Clone() const override {
    return std::make_unique<DayRangeFilter>(start_, end_, offset_, text_);
  }
  void AppendFields(std::vector<std::string>* out) const override { out->push_back("_time"); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    const int64_t* ts = src.timestamps();
    if (!ts || start_ > end_) return ClearAll(bm);
    uint8_t* b = bm->data();
    for (size_t i = 0, n = bm->size(); i < n; ++i) {
      int64_t t = (ts[i] - offset_) % kDayNs;
      if (t < 0) t += kDayNs;
      b[i] &= static_cast<uint8_t>(t >= start_ && t <= end_);
    }
  }

 private:
  int64_t start_, end_, offset_;
  std::string text_;
};

}  // namespace

std::unique_ptr<Filter> MakeDayRangeFilter(int64_t start_ns, int64_t end_ns, int64_t offset_ns, std::string text) {
  return std::make_unique<DayRangeFilter>(start_ns, end_ns, offset_ns, std::move(text));
}

}  // namespace vl::logsql::filters
