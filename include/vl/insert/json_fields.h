// Parses one JSON object into flattened (name, value) fields; shared by JSON-based protocols.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "vl/common/byte_arena.h"
#include "vl/common/row_view.h"
#include "vl/common/status.h"

namespace vl::insert {

// Rules: nested objects flattened with `.` (`{"a":{"b":1}}` → `a.b`="1"); numbers keep their raw
// JSON text (`1.50`), true/false their literal, arrays their minified JSON text; strings are
// unescaped; null is dropped. A sub-object whose flattened names would exceed 128 bytes is stored
// as minified JSON under its own name. Anything but one JSON object → InvalidArgument.
class JsonFieldsParser {
 public:
  JsonFieldsParser();
  ~JsonFieldsParser();
  JsonFieldsParser(const JsonFieldsParser&) = delete;
  JsonFieldsParser& operator=(const JsonFieldsParser&) = delete;

  // Appends the fields of the object in `json` to *fields (which the caller usually clears).
  // The views point into this parser's buffers: valid until the next Parse().
  Status Parse(std::string_view json, std::vector<FieldView>* fields);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vl::insert
