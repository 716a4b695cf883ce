// Internal: `pack_json` and `pack_logfmt`: `[fields (a, b*)] [as result]` (default: every field
// into `_msg`), each row's non-empty fields packed into one value.
#pragma once

#include "pipe_util.h"

namespace vl::logsql::pipes {

class PackPipe final : public Pipe {
 public:
  using Packer = void (*)(const std::vector<std::pair<std::string_view, std::string_view>>& fields, std::string* out);
  PackPipe(std::string name, Packer packer, std::vector<std::string> fields, std::string result)
      : name_(std::move(name)), packer_(packer), fields_(std::move(fields)), result_(std::move(result)) {}
  std::string String() const override {
    std::string s = name_;
    if (!fields_.empty()) s += " fields (" + FieldListString(fields_) + ")";
    if (result_ != "_msg") s += " as " + FieldPatternString(result_);
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<PackPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    if (fields_.empty()) {
      needed->SetAll();
      return;
    }
    for (const auto& f : fields_) needed->Add(f);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    std::vector<const ResultColumn*> cols;
    for (const auto& c : b.columns) {
      bool want = fields_.empty();
      for (const auto& f : fields_) want |= FieldMatches(f, c.name);
      if (want) cols.push_back(&c);
    }
    StringsBuilder out(b.rows);
    std::vector<std::pair<std::string_view, std::string_view>> row;
    std::string buf;
    for (size_t r = 0; r < b.rows; ++r) {
      row.clear();
      for (const auto* c : cols) {
        const std::string_view v = c->at(r);
        if (!v.empty()) row.emplace_back(c->name, v);
      }
      buf.clear();
      packer_(row, &buf);
      out.Add(buf);
    }
    PutColumn(&b, out.Build(result_));
    return std::move(b);
  }

  static std::unique_ptr<Pipe> Parse(parser_internal::Parser& p, const char* name, Packer packer) {
    std::vector<std::string> fields;
    std::string result = "_msg";
    while (!AtPipeEnd(p)) {
      if (p.Cur().IsKeyword("fields")) {
        p.Next();
        if (!p.ReadFieldList(&fields, /*parens=*/true)) return nullptr;
      } else if (p.Cur().IsKeyword("as")) {
        p.Next();
        if (!p.ReadFieldName(&result)) return p.FailNull(p.Unexpected(), "result field name");
      } else {
        return p.FailNull(p.Unexpected(), "fields, as or '|'");
      }
    }
    return std::make_unique<PackPipe>(name, packer, std::move(fields), std::move(result));
  }

 private:
  std::string name_;
  Packer packer_;
  std::vector<std::string> fields_;
  std::string result_;
};

}  // namespace vl::logsql::pipes
