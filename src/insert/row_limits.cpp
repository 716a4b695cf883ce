#include "vl/insert/row_limits.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include "vl/common/metrics.h"

namespace vl::insert {

namespace {

constexpr int64_t kLogIntervalNs = 5'000'000'000;
constexpr size_t kReasons = 4;  // RowLimit values

struct ReasonState {
  std::atomic<uint64_t>* counter = nullptr;
  std::atomic<int64_t> last_log_ns{0};
  std::atomic<uint64_t> unlogged{0};  // drops since the last log line
};

struct States {
  std::array<ReasonState, kReasons> by_reason;
  States() {
    for (size_t i = 1; i < kReasons; i++) {
      by_reason[i].counter = &Metrics::Global().Counter(
          "vl_rows_dropped_total{reason=\"" + std::string(RowLimitReason(static_cast<RowLimit>(i))) + "\"}");
    }
  }
};

std::array<ReasonState, kReasons>& AllStates() {
  static States states;
  return states.by_reason;
}

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view RowLimitReason(RowLimit limit) {
  switch (limit) {
    case RowLimit::kTooManyFields: return "too_many_fields";
    case RowLimit::kTooLongFieldName: return "too_long_field_name";
    case RowLimit::kTooBigRow: return "too_big_row";
    case RowLimit::kNone: break;
  }
  return "other";
}

void RegisterDroppedRowCounters() { AllStates(); }

void ReportDroppedRow(RowLimit limit, std::string_view detail) {
  size_t i = static_cast<size_t>(limit);
  if (i == 0 || i >= kReasons) return;
  ReasonState& st = AllStates()[i];
  (*st.counter)++;
  st.unlogged++;
  int64_t now = SteadyNanos();
  int64_t last = st.last_log_ns.load();
  if (last != 0 && now - last < kLogIntervalNs) return;
  if (!st.last_log_ns.compare_exchange_strong(last, now)) return;  // another thread logs it
  uint64_t n = st.unlogged.exchange(0);
  spdlog::warn("dropping log entry ({}): {}; {} entries dropped for this reason since the previous message",
               RowLimitReason(limit), detail, n);
}

}  // namespace vl::insert
