// `block_stats`: one row per (block, column) describing how the block holds the column, for
// people tuning storage. Columns: field, type, values_bytes, bloom_bytes, dict_items, dict_bytes,
// rows, part_path. The figures describe the column as it reached the pipe (decoded from storage):
// type is const, dict, string, numeric (storage kept numbers) or time; bloom_bytes and part_path
// are not known at this level and are 0 and "" (see docs/compatibility.md).
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

struct ColumnFigures {
  std::string_view type;
  uint64_t values_bytes = 0;
  uint64_t dict_items = 0;
  uint64_t dict_bytes = 0;
};

ColumnFigures Describe(const ResultColumn& c) {
  ColumnFigures f;
  switch (c.type()) {
    case ResultColumn::Type::kConst:
      f.type = "const";
      f.values_bytes = c.const_value().size();
      break;
    case ResultColumn::Type::kDict:
      f.type = "dict";
      f.values_bytes = c.codes().size();  // one code byte per row, as a dictionary block stores it
      f.dict_items = c.dict().size();
      for (const auto& v : c.dict()) f.dict_bytes += v.size();
      break;
    case ResultColumn::Type::kTimestamps:
      f.type = "time";
      f.values_bytes = 8 * c.rows();
      break;
    case ResultColumn::Type::kStrings:
      if (c.numbers() != nullptr) {
        f.type = "numeric";
        f.values_bytes = 8 * c.rows();
      } else {
        f.type = "string";
        for (size_t r = 0; r < c.rows(); ++r) f.values_bytes += c.at(r).size();
      }
      break;
  }
  return f;
}

class BlockStatsPipe final : public Pipe {
 public:
  std::string String() const override { return "block_stats"; }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<BlockStatsPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { needed->SetAll(); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    ResultBlock out;
    if (b.rows == 0) return out;
    StringsBuilder field, type, values_bytes, bloom_bytes, dict_items, dict_bytes, rows, part_path;
    const std::string block_rows = std::to_string(b.rows);
    for (const auto& c : b.columns) {
      const ColumnFigures f = Describe(c);
      field.Add(c.name);
      type.Add(f.type);
      values_bytes.Add(std::to_string(f.values_bytes));
      bloom_bytes.Add("0");
      dict_items.Add(std::to_string(f.dict_items));
      dict_bytes.Add(std::to_string(f.dict_bytes));
      rows.Add(block_rows);
      part_path.Add("");
    }
    out.rows = b.columns.size();
    out.columns.push_back(field.Build("field"));
    out.columns.push_back(type.Build("type"));
    out.columns.push_back(values_bytes.Build("values_bytes"));
    out.columns.push_back(bloom_bytes.Build("bloom_bytes"));
    out.columns.push_back(dict_items.Build("dict_items"));
    out.columns.push_back(dict_bytes.Build("dict_bytes"));
    out.columns.push_back(rows.Build("rows"));
    out.columns.push_back(part_path.Build("part_path"));
    return out;
  }
};

}  // namespace

std::unique_ptr<Pipe> ParseBlockStats(parser_internal::Parser&) { return std::make_unique<BlockStatsPipe>(); }

}  // namespace vl::logsql::pipes
