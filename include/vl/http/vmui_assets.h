// The web UI's build output (web/dist), embedded in the binary at build time by
// cmake/embed_assets.cmake, so /select/vmui/ works offline and needs no files next to the binary.
#pragma once

#include <string_view>

namespace vl::http {

struct VmuiAsset {
  std::string_view path;          // relative to web/dist, e.g. "index.html", "assets/index-abc.js"
  std::string_view content_type;  // from the file's extension
  std::string_view data;
};

// nullptr when there is no such file.
const VmuiAsset* FindVmuiAsset(std::string_view path);

}  // namespace vl::http
