// `field_names [as name]`: one row per field with `hits`, the number of rows that have it
// non-empty. Straight after the search, storage reports a stored column as non-empty in every
// row of its block (NeededFields::names_only), so hits count the rows of the blocks that store
// the field, as VictoriaLogs estimates them, and no value is decoded. In a cluster each node
// lists its own and the router sums the hits.
#include <map>

#include "vl/logsql/lexer.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class FieldNamesProcessor : public Processor {
 public:
  FieldNamesProcessor(std::string name, Processor* next) : name_(std::move(name)), next_(next) {}
  bool Push(ResultBlock&& b) override {
    for (const auto& c : b.columns) {
      uint64_t n = 0;
      switch (c.type()) {
        case ResultColumn::Type::kConst:
          n = c.const_value().empty() ? 0 : b.rows;
          break;
        case ResultColumn::Type::kTimestamps:
          n = b.rows;
          break;
        case ResultColumn::Type::kDict: {
          std::vector<uint8_t> empty(c.dict().size());
          for (size_t k = 0; k < empty.size(); ++k) empty[k] = c.dict()[k].empty();
          for (uint32_t code : c.codes()) n += empty[code] ? 0 : 1;
          break;
        }
        default:
          for (size_t r = 0; r < b.rows; ++r) n += c.at(r).empty() ? 0 : 1;
      }
      if (n > 0) hits_[c.name] += n;
    }
    return true;
  }
  bool Flush() override {
    StringsBuilder names(hits_.size()), hits(hits_.size());
    for (const auto& [name, n] : hits_) {
      names.Add(name);
      hits.Add(std::to_string(n));
    }
    ResultBlock out;
    out.rows = hits_.size();
    out.columns.push_back(names.Build(name_));
    out.columns.push_back(hits.Build(name_ == "hits" ? "hitss" : "hits"));
    if (out.rows > 0) next_->Push(std::move(out));
    return next_->Flush();
  }

 private:
  std::string name_;
  Processor* next_;
  std::map<std::string, uint64_t> hits_;
};

class FieldNamesPipe final : public Pipe {
 public:
  explicit FieldNamesPipe(std::string name) : name_(std::move(name)) {}
  std::string String() const override { return name_ == "name" ? "field_names" : "field_names as " + QuoteIfNeeded(name_); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<FieldNamesPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { needed->SetNamesOnly(); }
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory*) const override {
    return std::make_unique<FieldNamesProcessor>(name_, next);
  }
  PipeSplit Split() const override {
    PipeSplit s;
    s.remote = Clone();
    const std::string hits = name_ == "hits" ? "hitss" : "hits";
    s.local = ParsePipeText("stats by (" + QuoteIfNeeded(name_) + ") sum(" + hits + ") as " + hits);
    s.stops_pushdown = true;
    return s;
  }

 private:
  std::string name_;
};

}  // namespace

std::unique_ptr<Pipe> ParseFieldNames(parser_internal::Parser& p) {
  std::string name = "name";
  if (p.Cur().IsKeyword("as")) p.Next();
  if (!AtPipeEnd(p) && !p.ReadFieldName(&name)) return p.FailNull(p.Unexpected(), "result field name");
  return std::make_unique<FieldNamesPipe>(std::move(name));
}

}  // namespace vl::logsql::pipes
