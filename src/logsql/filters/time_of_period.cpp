// `_time:day_range[08:00, 18:00) offset 2h` and `_time:week_range[Mon, Fri] offset 2h`: the
// row's position in a day (ns since midnight) or a week (day index, Sunday = 0), taken from its
// timestamp minus the offset, falls in the inclusive range. Ranges do not wrap around: one
// whose start is after its end matches nothing.
#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {
namespace {

constexpr int64_t kDayNs = 86400LL * 1'000'000'000;

enum class Period { kDay, kWeek };

class TimeOfPeriodFilter final : public Filter {
 public:
  TimeOfPeriodFilter(Period period, int64_t start, int64_t end, int64_t offset, std::string text)
      : period_(period), start_(start), end_(end), offset_(offset), text_(std::move(text)) {}
  std::string_view kind() const override { return period_ == Period::kDay ? "day_range" : "week_range"; }
  std::string String() const override { return "_time:" + text_; }
  std::unique_ptr<Filter> Clone() const override {
    return std::make_unique<TimeOfPeriodFilter>(period_, start_, end_, offset_, text_);
  }
  void AppendFields(std::vector<std::string>* out) const override { out->push_back("_time"); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    const int64_t* ts = src.timestamps();
    if (!ts || start_ > end_) return ClearAll(bm);
    uint8_t* b = bm->data();
    const size_t n = bm->size();
    if (period_ == Period::kDay) {
      for (size_t i = 0; i < n; ++i) {
        int64_t t = (ts[i] - offset_) % kDayNs;
        if (t < 0) t += kDayNs;
        b[i] &= static_cast<uint8_t>(t >= start_ && t <= end_);
      }
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      int64_t days = (ts[i] - offset_) / kDayNs;
      if ((ts[i] - offset_) % kDayNs < 0) --days;  // floor for times before 1970
      int64_t wd = (days + 4) % 7;                 // 1970-01-01 was a Thursday
      if (wd < 0) wd += 7;
      b[i] &= static_cast<uint8_t>(wd >= start_ && wd <= end_);
    }
  }

 private:
  Period period_;
  int64_t start_, end_, offset_;
  std::string text_;
};

}  // namespace

std::unique_ptr<Filter> MakeDayRangeFilter(int64_t start_ns, int64_t end_ns, int64_t offset_ns, std::string text) {
  return std::make_unique<TimeOfPeriodFilter>(Period::kDay, start_ns, end_ns, offset_ns, std::move(text));
}

std::unique_ptr<Filter> MakeWeekRangeFilter(int start_day, int end_day, int64_t offset_ns, std::string text) {
  return std::make_unique<TimeOfPeriodFilter>(Period::kWeek, start_day, end_day, offset_ns, std::move(text));
}

}  // namespace vl::logsql::filters
