// `facets [N] [max_values_per_field M] [max_value_len K] [keep_const_fields]`: for every field,
// its N most frequent non-empty values with their hits, as rows (field_name, field_value, hits)
// sorted by field name. Fields with more than M distinct values or a value longer than K bytes
// are left out, and so are fields with one value in every row unless keep_const_fields.
// In a cluster the nodes send every (field, value, hits) they counted (`facets_remote`) and the
// router merges them and applies N and the const rule.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "../value_order.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

struct FacetsOptions {
  uint64_t limit = 10;
  uint64_t max_values = 1000;
  uint64_t max_len = 128;
  bool keep_const = false;
};

enum class FacetsMode { kNormal, kRemote, kMerge };

class FacetsProcessor : public Processor {
 public:
  FacetsProcessor(const Pipe& pipe, FacetsOptions o, FacetsMode mode, Processor* next, QueryMemory* memory)
      : pipe_(pipe), o_(o), mode_(mode), next_(next), memory_(memory) {}

  bool Push(ResultBlock&& b) override {
    if (mode_ == FacetsMode::kMerge) {
      Import(b);
    } else {
      total_ += b.rows;
      for (const auto& c : b.columns) Count(c, b.rows);
    }
    return memory_->Update(pipe_, &held_, bytes_);
  }

  bool Flush() override {
    StringsBuilder names, values, hits;
    size_t rows = 0;
    auto emit = [&](std::string_view f, std::string_view v, uint64_t n) {
      names.Add(f);
      values.Add(v);
      hits.Add(std::to_string(n));
      ++rows;
    };
    if (mode_ == FacetsMode::kRemote) {
      emit("", "", total_);  // the rows counted, for the router's const rule
      for (const auto& [field, st] : fields_) {
        if (st.dropped) {
          emit(field, "", 0);  // too many or too long values here: left out everywhere
          continue;
        }
        for (const auto& [v, n] : st.counts) emit(field, v, n);
      }
    } else {
      for (const auto& [field, st] : fields_) {
        if (st.dropped || st.counts.empty()) continue;
        if (!o_.keep_const && st.counts.size() == 1 && st.counts.begin()->second == total_) continue;
        std::vector<std::pair<std::string_view, uint64_t>> top(st.counts.begin(), st.counts.end());
        std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
          if (a.second != b.second) return a.second > b.second;
          return CompareNatural(a.first, b.first) < 0;
        });
        if (top.size() > o_.limit) top.resize(o_.limit);
        for (const auto& [v, n] : top) emit(field, v, n);
      }
    }
    ResultBlock out;
    out.rows = rows;
    out.columns.push_back(names.Build("field_name"));
    out.columns.push_back(values.Build("field_value"));
    out.columns.push_back(hits.Build("hits"));
    if (rows > 0) next_->Push(std::move(out));
    return next_->Flush();
  }

 private:
  struct FieldState {
    std::unordered_map<std::string, uint64_t> counts;
    bool dropped = false;
  };

  void Drop(FieldState* st) {
    st->dropped = true;
    st->counts = {};
  }
  void Add(FieldState* st, std::string_view v, uint64_t n) {
    if (st->dropped || v.empty()) return;
    if (v.size() > o_.max_len) return Drop(st);
    auto [it, inserted] = st->counts.try_emplace(std::string(v), 0);
    it->second += n;
    if (inserted) bytes_ += v.size() + 64;
    if (st->counts.size() > o_.max_values) Drop(st);
  }
  void Count(const ResultColumn& c, size_t rows) {
    FieldState& st = fields_[c.name];
    if (st.dropped) return;
    switch (c.type()) {
      case ResultColumn::Type::kConst:
        Add(&st, c.const_value(), rows);
        return;
      case ResultColumn::Type::kDict: {
        std::vector<uint64_t> per_code(c.dict().size(), 0);
        for (uint32_t code : c.codes()) ++per_code[code];
        for (size_t k = 0; k < per_code.size(); ++k) {
          if (per_code[k]) Add(&st, c.dict()[k], per_code[k]);
        }
        return;
      }
      default:
        for (size_t r = 0; r < rows && !st.dropped; ++r) Add(&st, c.at(r), 1);
    }
  }
  void Import(const ResultBlock& b) {
    const ResultColumn* f = b.Find("field_name");
    const ResultColumn* v = b.Find("field_value");
    const ResultColumn* h = b.Find("hits");
    if (!f || !v || !h) return;
    for (size_t r = 0; r < b.rows; ++r) {
      const uint64_t n = ParseCount(h->at(r));
      if (f->at(r).empty()) {
        total_ += n;
        continue;
      }
      FieldState& st = fields_[std::string(f->at(r))];
      if (v->at(r).empty()) Drop(&st);
      else Add(&st, v->at(r), n);
    }
  }

  const Pipe& pipe_;
  FacetsOptions o_;
  FacetsMode mode_;
  Processor* next_;
  QueryMemory* memory_;
  size_t held_ = 0;
  size_t bytes_ = 0;
  uint64_t total_ = 0;
  std::map<std::string, FieldState> fields_;
};

class FacetsPipe final : public Pipe {
 public:
  FacetsPipe(FacetsOptions o, FacetsMode mode) : o_(o), mode_(mode) {}
  std::string String() const override {
    std::string s = mode_ == FacetsMode::kRemote ? "facets_remote" : "facets";
    if (o_.limit != 10) s.append(" ").append(std::to_string(o_.limit));
    if (o_.max_values != 1000) s += " max_values_per_field " + std::to_string(o_.max_values);
    if (o_.max_len != 128) s += " max_value_len " + std::to_string(o_.max_len);
    if (o_.keep_const) s += " keep_const_fields";
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<FacetsPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    if (mode_ == FacetsMode::kMerge) {
      needed->SetOnly({"field_name", "field_value", "hits"});
      return;
    }
    needed->SetAll();
  }
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override {
    return std::make_unique<FacetsProcessor>(*this, o_, mode_, next, memory);
  }
  PipeSplit Split() const override {
    PipeSplit s;
    s.remote = std::make_unique<FacetsPipe>(o_, FacetsMode::kRemote);
    s.local = std::make_unique<FacetsPipe>(o_, FacetsMode::kMerge);
    s.stops_pushdown = true;
    return s;
  }

 private:
  FacetsOptions o_;
  FacetsMode mode_;
};

std::unique_ptr<Pipe> ParseFacetsMode(parser_internal::Parser& p, FacetsMode mode) {
  FacetsOptions o;
  if (p.Cur().kind == Token::Kind::kBare && !p.Cur().text.empty() && std::isdigit(static_cast<unsigned char>(p.Cur().text[0]))) {
    if (!p.ReadUint(&o.limit) || o.limit == 0) return p.FailNull(p.Unexpected(), "number of values N >= 1");
  }
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("max_values_per_field")) {
      p.Next();
      if (!p.ReadUint(&o.max_values)) return p.FailNull(p.Unexpected(), "max_values_per_field value");
    } else if (p.Cur().IsKeyword("max_value_len")) {
      p.Next();
      if (!p.ReadUint(&o.max_len)) return p.FailNull(p.Unexpected(), "max_value_len value");
    } else if (p.Cur().IsKeyword("keep_const_fields")) {
      p.Next();
      o.keep_const = true;
    } else {
      return p.FailNull(p.Unexpected(), "max_values_per_field, max_value_len, keep_const_fields or '|'");
    }
  }
  return std::make_unique<FacetsPipe>(o, mode);
}

}  // namespace

std::unique_ptr<Pipe> ParseFacets(parser_internal::Parser& p) { return ParseFacetsMode(p, FacetsMode::kNormal); }
std::unique_ptr<Pipe> ParseFacetsRemote(parser_internal::Parser& p) { return ParseFacetsMode(p, FacetsMode::kRemote); }

}  // namespace vl::logsql::pipes
