// An episode's cover (poster frame) for the platforms: a frame of the episode scaled to cover
// the poster, darkened toward the bottom, with the series title and the episode line over it.
#pragma once

#include <string>

#include "base/image.h"
#include "base/result.h"

namespace rw {

// `frame` is any size; the cover is width×height. Text in any script (Noto Sans CJK).
Result<Image> PaintCover(const Image& frame, const std::string& title, const std::string& episode_line, int width = 1080,
                         int height = 1920);

}  // namespace rw
