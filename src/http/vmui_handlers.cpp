// /select/vmui: the embedded web UI. The page calls the select API relative to its own URL, so
// the same files work on a single node and on a router.
#include "vl/http/router.h"
#include "vl/http/vmui_assets.h"

namespace vl::http {

void HandleVmui(const RouterOptions&, Request& req, BodyReader&, ResponseWriter& w) {
  constexpr std::string_view kPrefix = "/select/vmui";
  if (req.method != "GET" && req.method != "HEAD") {
    w.SetHeader("Allow", "GET, HEAD");
    w.Send(405, "text/plain; charset=utf-8", "the web UI answers GET and HEAD only\n");
    return;
  }
  std::string_view rest = std::string_view(req.path).substr(kPrefix.size());
  if (rest.empty()) {
    // Relative URLs in the page need the trailing slash; relative Location keeps any path prefix
    // a proxy put in front of us.
    std::string location = "vmui/";
    if (!req.raw_query.empty()) location += "?" + req.raw_query;
    w.SetHeader("Location", location);
    w.Send(302, "text/html; charset=utf-8", "<a href=\"" + location + "\">Found</a>.\n");
    return;
  }
  rest.remove_prefix(1);  // the '/'
  if (rest.empty()) rest = "index.html";
  const VmuiAsset* asset = FindVmuiAsset(rest);
  if (asset == nullptr) {
    w.Send(404, "text/plain; charset=utf-8", "no such web UI file: \"" + req.path + "\"\n");
    return;
  }
  // Build output under assets/ carries a content hash in its name, so it never changes in place.
  const bool immutable = rest.starts_with("assets/") || rest.starts_with("static/");
  w.SetHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  w.SetHeader("X-Content-Type-Options", "nosniff");
  w.Send(200, asset->content_type, asset->data);
}

}  // namespace vl::http
