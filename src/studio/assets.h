// The studio's web pages (web/studio/), embedded in the binary at build time by
// cmake/EmbedFiles.cmake, so `reelwright serve` works from any folder with no files beside it.
#pragma once

#include <cstddef>
#include <string_view>

namespace rw::studio {

struct Asset {
  std::string_view name;  // "index.html", "series.js"
  std::string_view bytes;
};

// The asset of that name, or null.
const Asset* FindAsset(std::string_view name);

}  // namespace rw::studio
