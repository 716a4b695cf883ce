// `ip:ipv4_range(10.0.0.0, 10.255.255.255)`, `ipv4_range("10.0.0.0/8")`, `ipv4_range(1.2.3.4)`:
// the whole value is an IPv4 address inside the inclusive range. Surrounding text (or a
// `:port`) never matches.
#include <charconv>

#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql::filters {
namespace {

std::string FormatIPv4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) +
         "." + std::to_string(ip & 255);
}

class IPv4RangeFilter final : public FieldFilter {
 public:
  IPv4RangeFilter(std::string field, uint32_t lo, uint32_t hi) : FieldFilter(std::move(field)), lo_(lo), hi_(hi) {}
  std::string_view kind() const override { return "ipv4_range"; }
  std::string String() const override {
    return FieldPrefix(field_) + "ipv4_range(" + FormatIPv4(lo_) + ", " + FormatIPv4(hi_) + ")";
  }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<IPv4RangeFilter>(field_, lo_, hi_); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (lo_ > hi_) return ClearAll(bm);
    RecentValues recent;
    ApplyToValues(src.Get(field_), bm, [&](std::string_view s) {
      return recent.Get(s, [&](std::string_view x) {
        uint32_t ip;
        return ParseIPv4(x, &ip) && ip >= lo_ && ip <= hi_;
      });
    });
  }

 private:
  uint32_t lo_, hi_;
};

}  // namespace

std::unique_ptr<Filter> BuildIPv4Range(FilterCall& call, std::string* err) {
  uint32_t lo = 0, hi = 0;
  if (call.args.size() == 1) {
    std::string_view v = call.args[0].value;
    size_t slash = v.find('/');
    unsigned bits = 32;
    if (slash != std::string_view::npos) {
      auto [p, ec] = std::from_chars(v.data() + slash + 1, v.data() + v.size(), bits);
      if (ec != std::errc() || p != v.data() + v.size() || bits > 32 || slash + 1 == v.size()) {
        *err = "cannot parse CIDR mask in \"" + call.args[0].value + "\"";
        return nullptr;
      }
      v = v.substr(0, slash);
    }
    if (!ParseIPv4(v, &lo)) {
      *err = "cannot parse IPv4 address \"" + std::string(v) + "\"";
      return nullptr;
    }
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    lo &= mask;
    hi = lo | ~mask;
  } else if (call.args.size() == 2) {
    for (int i = 0; i < 2; ++i) {
      if (!ParseIPv4(call.args[i].value, i == 0 ? &lo : &hi)) {
        *err = "cannot parse IPv4 address \"" + call.args[i].value + "\"";
        return nullptr;
      }
    }
  } else {
    *err = "ipv4_range() takes an address, a CIDR or two addresses";
    return nullptr;
  }
  return std::make_unique<IPv4RangeFilter>(call.field, lo, hi);
}

}  // namespace vl::logsql::filters
