// Accounting for entries dropped by ingestion limits (too many fields, long field names, huge
// entries): one counter per reason and a rate-limited WARN, so a misbehaving client cannot flood
// the log while every drop stays visible in /metrics.
#pragma once

#include <string_view>

#include "vl/insert/row_builder.h"

namespace vl::insert {

// The `reason` label of vl_rows_dropped_total for a limit ("too_many_fields", ...).
std::string_view RowLimitReason(RowLimit limit);

// Counts one dropped entry in vl_rows_dropped_total{reason=...} and logs `detail` at WARN, at
// most once per 5 s per reason (the line says how many drops it stands for). Thread-safe.
void ReportDroppedRow(RowLimit limit, std::string_view detail);

// Registers the counters at 0, so /metrics lists them before the first drop.
void RegisterDroppedRowCounters();

}  // namespace vl::insert
