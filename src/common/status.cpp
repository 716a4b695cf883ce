#include "vl/common/status.h"

namespace vl {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: name = "InvalidArgument"; break;
    case Code::kNotFound: name = "NotFound"; break;
    case Code::kIOError: name = "IOError"; break;
    case Code::kCorruption: name = "Corruption"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kResourceExhausted: name = "ResourceExhausted"; break;
    case Code::kCancelled: name = "Cancelled"; break;
    case Code::kInternal: name = "Internal"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace vl
