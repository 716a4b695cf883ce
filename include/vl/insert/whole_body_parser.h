// Base of the protocols whose body is one document (Loki, OpenTelemetry): the body is collected
// (the driver bounds it by the protocol's -*.maxRequestSize) and parsed at Finish(). Any error in
// the document fails the request (400); rows appended before it are stored, as in VictoriaLogs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vl/insert/body_parser.h"
#include "vl/insert/row_builder.h"
#include "vl/insert/row_store.h"

namespace vl::insert {

class WholeBodyParser : public BodyParser {
 public:
  explicit WholeBodyParser(RowWriter* sink) : sink_(sink) {}

  Status Feed(std::string_view chunk) final {
    body_.append(chunk);
    return Status::OK();
  }
  Status Finish() final { return Parse(body_); }

  std::vector<LineError> TakeErrors() final { return {}; }
  const LineError& last_error() const final { return no_error_; }
  uint64_t records_ok() const final { return ok_; }
  uint64_t records_failed() const final { return 0; }

 protected:
  virtual Status Parse(std::string_view body) = 0;

  // Builds a row from `fields` and appends it. An entry over the ingestion limits is dropped and
  // counted (row_limits.h) without failing the request; other errors are returned, prefixed
  // with `where` (e.g. "stream 2, entry 5").
  Status Emit(RowBuilder& builder, std::vector<FieldView>& fields, int64_t now_ns, const std::string& where);

 private:
  RowWriter* sink_;
  std::string body_;
  LineError no_error_;
  uint64_t ok_ = 0;
};

}  // namespace vl::insert
