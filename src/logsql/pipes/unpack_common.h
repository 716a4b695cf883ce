// Internal: what the pipes that turn one field into several share (`extract`, `extract_regexp`,
// `unpack_json`, `unpack_logfmt`, `unpack_syslog`): the options
//   [if (...)] [from field] [fields (a, b*)] [result_prefix "p"] [keep_original_fields | skip_empty_results]
// and a writer that collects each row's (name, value) results and puts them into the block.
#pragma once

#include <unordered_map>

#include "pipe_util.h"

namespace vl::logsql::pipes {

struct UnpackOptions {
  PipeCondition condition;
  std::string from = "_msg";
  std::vector<std::string> fields;  // empty = every field found
  std::string result_prefix;
  bool keep_original_fields = false;  // never overwrite a non-empty field
  bool skip_empty_results = false;    // never write an empty result
  std::string offset;                 // unpack_syslog only: the time zone offset as written

  // Which options a pipe accepts.
  enum : unsigned { kFrom = 1, kFields = 2, kPrefix = 4, kKeep = 8, kSkipEmpty = 16, kOffset = 32 };

  // Reads the options after the pipe's own leading arguments; `allowed` says which.
  bool ParseTrailing(parser_internal::Parser& p, unsigned allowed);
  // ` from x fields (a) result_prefix "p" keep_original_fields` (defaults left out).
  std::string String() const;
  bool Wants(std::string_view name) const;
  void AddNeeded(NeededFields* needed) const {
    needed->Add(from);
    condition.AddNeeded(needed);
  }
};

// Row-by-row results, then one column per result name.
class UnpackWriter {
 public:
  UnpackWriter(const ResultBlock& b, const UnpackOptions& opts) : b_(b), opts_(opts) {}
  // Result `name` (before the prefix) of row `r`.
  void Set(size_t r, std::string_view name, std::string_view value);
  // Puts the result columns into *b (the block given to the constructor).
  void Finish(ResultBlock* b);

 private:
  struct Output {
    std::string name;
    std::vector<std::string> values;
    std::vector<uint8_t> set;
  };
  const ResultBlock& b_;
  const UnpackOptions& opts_;
  std::vector<Output> outputs_;
  std::unordered_map<std::string, size_t> index_;
  std::string name_buf_;
};

// The pipe the unpack_* pipes are: options plus a Format that names the pipe
// (`static constexpr const char* kName`) and makes, per block, a parser with
// `Parse(std::string_view value, emit)` calling emit(name, value) for each field it finds.
template <typename Format>
class UnpackPipe final : public Pipe {
 public:
  UnpackPipe(UnpackOptions opts, Format format) : opts_(std::move(opts)), format_(std::move(format)) {}
  std::string String() const override { return std::string(Format::kName) + opts_.condition.String() + opts_.String(); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnpackPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { opts_.AddNeeded(needed); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const ResultColumn* in = b.Find(opts_.from);
    if (!in) return std::move(b);
    const Bitmap rows = opts_.condition.Rows(b);
    UnpackWriter w(b, opts_);
    auto parser = format_.MakeParser();
    for (size_t r = 0; r < b.rows; ++r) {
      const std::string_view v = in->at(r);
      if (!rows[r] || v.empty()) continue;
      parser.Parse(v, [&](std::string_view name, std::string_view value) { w.Set(r, name, value); });
    }
    w.Finish(&b);
    return std::move(b);
  }

 private:
  UnpackOptions opts_;
  Format format_;
};

}  // namespace vl::logsql::pipes
