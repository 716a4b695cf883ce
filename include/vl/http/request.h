// Transport-neutral request/response types seen by handlers. Nothing here includes Beast, so
// handler translation units compile fast; only the server implementation speaks HTTP on the wire.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"

namespace vl::http {

// Header names are stored lower-cased.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, `//` collapsed
  std::string raw_query;
  std::map<std::string, std::string> headers;
  // Decoded query args and, for form POSTs, form fields (ParseForm fills them).
  std::multimap<std::string, std::string> args;

  std::string_view Header(std::string_view lower_name) const;
  // First value of an argument, or empty.
  std::string_view Arg(std::string_view name) const;
  bool HasArg(std::string_view name) const;
};

// Streams the request body (after transfer decoding; Content-Encoding is the handler's business).
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to `n` bytes; 0 at the end of the body.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // The whole body; `expected` (e.g. Content-Length) sizes the buffer once up front.
  Result<std::string> ReadAll(size_t limit, size_t expected = 0);
  // The same into *out (replaced), reusing its capacity.
  Status ReadAllInto(std::string* out, size_t limit, size_t expected = 0);
};

// Small responses go out with Content-Length; once more than a buffer's worth is written the
// response switches to chunked streaming.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  virtual void SetStatus(int code) = 0;
  virtual void SetHeader(std::string name, std::string value) = 0;
  // False when the client has gone away: stop producing output.
  virtual bool Write(std::string_view data) = 0;
  virtual bool headers_sent() const = 0;
  // Sends what was written so far (streamed responses such as /tail); false when the client has
  // gone away.
  virtual bool Flush() { return true; }
  // True once the client has closed its side of the connection. Safe to call from another
  // thread while the handler runs (queries of clients that left are cancelled).
  virtual bool ClientGone() const { return false; }
  // Convenience for whole responses.
  void Send(int code, std::string_view content_type, std::string_view body);
};

using Handler = std::function<void(Request&, BodyReader&, ResponseWriter&)>;

// Percent-decoding of `a=b&c=d` into `out`.
void ParseQueryString(std::string_view qs, std::multimap<std::string, std::string>* out);

}  // namespace vl::http
