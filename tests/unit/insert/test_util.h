// Helpers shared by the insert unit tests.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/row_view.h"
#include "vl/insert/common_params.h"
#include "vl/insert/row_builder.h"
#include "vl/insert/row_store.h"

namespace vl::insert::testing {

inline ArgGetter MapGetter(const std::map<std::string, std::string, std::less<>>& m) {
  return [m](std::string_view k) -> std::string_view {
    auto it = m.find(k);
    return it == m.end() ? std::string_view() : std::string_view(it->second);
  };
}

inline CommonParams ParamsFromArgs(const std::map<std::string, std::string, std::less<>>& args) {
  auto r = CommonParams::Parse(MapGetter(args), MapGetter({}));
  return r.ok() ? r.value() : CommonParams{};
}

// Value of the first field `name`, or "<absent>".
inline std::string Get(const LogRow& row, std::string_view name) {
  for (const auto& f : row.fields) {
    if (f.name == name) return f.value;
  }
  return "<absent>";
}

inline size_t Count(const LogRow& row, std::string_view name) {
  size_t n = 0;
  for (const auto& f : row.fields) n += f.name == name;
  return n;
}

// A RowWriter that keeps owned copies of the appended rows.
class CollectingWriter : public RowWriter {
 public:
  void Append(const RowView& row) override { rows_.push_back(ToLogRow(row)); }
  size_t pending_rows() const override { return rows_.size(); }
  Status Commit(uint64_t* accepted) override {
    *accepted += rows_.size();
    return Status::OK();
  }
  std::vector<LogRow> Take() { return std::exchange(rows_, {}); }

 private:
  std::vector<LogRow> rows_;
};

// RowBuilder::Build over owned fields, into an owned row.
inline Status BuildRow(RowBuilder& b, std::vector<Field> fields, int64_t now_ns, LogRow* row,
                       RowLimit* limit = nullptr) {
  std::vector<FieldView> views;
  for (const Field& f : fields) views.push_back(FieldView{f.name, f.value});
  RowView view;
  Status st = b.Build(views, now_ns, &view, limit);
  if (st.ok()) *row = ToLogRow(view);
  return st;
}

}  // namespace vl::insert::testing
