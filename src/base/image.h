// An 8-bit image in memory: Cairo's ARGB32 layout (premultiplied, native-endian 32-bit pixels,
// which is B,G,R,A bytes on little-endian machines), so painters, motion and encoders share
// frames without conversion.
#pragma once

#include <cstdint>
#include <vector>

namespace rw {

struct Image {
  int width = 0;
  int height = 0;
  int stride = 0;  // bytes per row
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int w, int h) : width(w), height(h), stride(w * 4), pixels(static_cast<size_t>(w) * h * 4, 0) {}
  uint8_t* Row(int y) { return pixels.data() + static_cast<size_t>(y) * stride; }
  const uint8_t* Row(int y) const { return pixels.data() + static_cast<size_t>(y) * stride; }
  bool empty() const { return pixels.empty(); }
};

}  // namespace rw
