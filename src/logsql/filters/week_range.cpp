// `_time:week_range[Mon, Fri] offset 2h`: the row's day of the week, taken from its timestamp
// minus the offset, falls in the range (Sunday = 0). No wrap-around: `[Fri, Mon]` matches none.
#include "filters.h"
#include "filter_util.h"

namespace vl::logsql::filters {
namespace {

constexpr int64_t kDayNs = 86400LL * 1'000'000'000;

class WeekRangeFilter final : public Filter {
 public:
  WeekRangeFilter(int start, int end, int64_t offset, std::string text)
      : start_(start), end_(end), offset_(offset), text_(std::move(text)) {}
  std::string_view kind() const override { return "week_range"; }
  std::string String() const override { return "_time:" + text_; }
  std::unique_ptr<Filter> Clone() const override {
    return std::make_unique<WeekRangeFilter>(start_, end_, offset_, text_);
  }
  void AppendFields(std::vector<std::string>* out) const override { out->push_back("_time"); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    const int64_t* ts = src.timestamps();
    if (!ts || start_ > end_) return ClearAll(bm);
    uint8_t* b = bm->data();
    for (size_t i = 0, n = bm->size(); i < n; ++i) {
      int64_t days = (ts[i] - offset_) / kDayNs;
      if ((ts[i] - offset_) % kDayNs < 0) --days;  // floor for times before 1970
      int wd = static_cast<int>((days + 4) % 7);   // 1970-01-01 was a Thursday
      if (wd < 0) wd += 7;
      b[i] &= static_cast<uint8_t>(wd >= start_ && wd <= end_);
    }
  }

 private:
  int start_, end_;
  int64_t offset_;
  std::string text_;
};

}  // namespace

std::unique_ptr<Filter> MakeWeekRangeFilter(int start_day, int end_day, int64_t offset_ns, std::string text) {
  return std::make_unique<WeekRangeFilter>(start_day, end_day, offset_ns, std::move(text));
}

}  // namespace vl::logsql::filters
