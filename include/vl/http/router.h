// Maps request paths to the single-node handlers (insert, select, operational endpoints).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "vl/http/request.h"
#include "vl/storage/storage.h"

namespace vl::http {

struct RouterOptions {
  Storage* storage = nullptr;
  size_t max_line_size_bytes = 256 * 1024;
  size_t max_request_body_bytes = size_t{1} << 30;  // decoded body cap per request
  // Rendered by /flags.
  std::function<std::string()> flags_text;
  bool insert_disabled = false;
  bool select_disabled = false;
};

Handler MakeRouter(RouterOptions options);

// The individual endpoints, for the router and for tests.
void HandleJsonLineInsert(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);
void HandleLogsqlQuery(const RouterOptions& options, Request& req, BodyReader& body, ResponseWriter& w);

// Reads `application/x-www-form-urlencoded` POST bodies into req.args.
Status ParseForm(Request& req, BodyReader& body);
// AccountID / ProjectID headers; InvalidArgument naming the header on a bad value.
Result<TenantID> ParseTenant(const Request& req);

}  // namespace vl::http
