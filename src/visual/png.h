// PNG files for the visual stages: storyboard frames, keyframes a person drops in, previews.
//
// WritePng encodes an Image (Cairo ARGB32, premultiplied) through cairo's PNG writer into memory
// and then commits the bytes with rw::WriteFileAtomic, so a reader never sees half a PNG. A fully
// opaque image is written as an RGB PNG (smaller, faster); anything else as RGBA.
// ReadPng accepts any PNG a person might supply (grey, palette, RGB, RGBA, 16-bit) and converts
// it to ARGB32. A round trip is exact for opaque pixels; translucent pixels go through
// un-premultiplication, which can move a channel by a rounding step.
// Every error names the file.
#pragma once

#include <filesystem>

#include "base/image.h"
#include "base/result.h"

namespace rw {

Status WritePng(const std::filesystem::path& path, const Image& image);
Result<Image> ReadPng(const std::filesystem::path& path);

}  // namespace rw
