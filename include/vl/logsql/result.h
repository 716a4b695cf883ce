// Query results: columnar blocks of string values, a sink that receives them, and JSON Lines output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vl::logsql {

struct ResultColumn {
  std::string name;
  std::vector<std::string> values;  // one per row; "" = field absent
};

// A block of result rows, columnar, in output column order.
struct ResultBlock {
  size_t rows = 0;
  std::vector<ResultColumn> columns;

  // nullptr when the block has no such column.
  const ResultColumn* Find(std::string_view name) const;
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Return false to stop the query (e.g. the client went away).
  // ExecuteQuery serializes calls: Write is never called concurrently for one query.
  virtual bool Write(const ResultBlock& block) = 0;
};

// One JSON object per row, `\n`-terminated; empty values skipped; rows with all values empty skipped.
void AppendJsonLines(const ResultBlock& block, std::string* out);
// JSON string literal (with quotes); control chars escaped, invalid UTF-8 replaced by U+FFFD.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace vl::logsql
