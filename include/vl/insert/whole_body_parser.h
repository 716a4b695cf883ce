// Base of the protocols whose body is one document (Loki, OpenTelemetry): the body is collected
// (the driver bounds it by the protocol's -*.maxRequestSize) and parsed at Finish(). Any error in
// the document fails the request (400); rows appended before it are stored, as in VictoriaLogs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vl/insert/counting_parser.h"

namespace vl::insert {

// Where an entry sits in a document ("stream 2, entry 5"); formatted only for messages.
struct EntryPos {
  std::string_view group;  // "stream", "resource"
  uint64_t group_no = 0;
  std::string_view item;   // "entry", "record"
  uint64_t item_no = 0;

  std::string ToString() const {
    return std::string(group) + " " + std::to_string(group_no) + ", " + std::string(item) + " " +
           std::to_string(item_no);
  }
};

class WholeBodyParser : public CountingParser {
 public:
  explicit WholeBodyParser(RowWriter* sink) : CountingParser(sink, 0) {}

  Status Feed(std::string_view chunk) final {
    body_.append(chunk);
    return Status::OK();
  }
  Status Finish() final { return Parse(body_); }

 protected:
  virtual Status Parse(std::string_view body) = 0;

  // Appends the entry's row; an error other than an ingestion limit fails the request, naming `pos`.
  Status Emit(RowBuilder& builder, std::vector<FieldView>& fields, int64_t now_ns, const EntryPos& pos) {
    Status s = AppendRow(builder, fields, now_ns, [&] { return pos.ToString(); });
    return s.ok() ? s : Status::InvalidArgument(pos.ToString() + ": " + s.message());
  }

 private:
  std::string body_;
};

}  // namespace vl::insert
