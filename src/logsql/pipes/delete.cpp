// `delete a, b*` (`del`, `rm`, `drop`): removes the listed fields.
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class DeletePipe final : public Pipe {
 public:
  explicit DeletePipe(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  std::string String() const override { return "delete " + FieldListString(fields_); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<DeletePipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    for (const auto& f : fields_) {
      if (f.back() != '*') needed->Remove(f);
    }
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    std::erase_if(b.columns, [&](const ResultColumn& c) {
      for (const auto& f : fields_) {
        if (FieldMatches(f, c.name)) return true;
      }
      return false;
    });
    return std::move(b);
  }

 private:
  std::vector<std::string> fields_;
};

}  // namespace

std::unique_ptr<Pipe> ParseDelete(parser_internal::Parser& p) {
  std::vector<std::string> fields;
  if (!p.ReadFieldList(&fields, p.Cur().IsPunct("("))) return nullptr;
  if (fields.empty()) return p.FailNull(p.Unexpected(), "field name");
  return std::make_unique<DeletePipe>(std::move(fields));
}

}  // namespace vl::logsql::pipes
