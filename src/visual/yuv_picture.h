// YuvPicture and DrawZoomed: the built-in camera move (visual/motion) drawn straight into the
// renderer's 4:2:0 frames, so a shot made from a still is never encoded to H.264 and decoded
// back on its way into the episode.
//
// A YuvPicture holds a picture as 8-bit Y, U and V planes (4:2:0, BT.709 limited range, chroma
// sited at the centre of each 2x2 block), each row padded with copies of its edge pixels so a
// sampler may read a little past either end without a bounds check.
//
// DrawZoomed(picture, view, out) draws the picture seen through `view` (zoom >= 1 about a centre
// in picture pixels, the same camera Motion::ViewAt gives) into planes of the picture's own size:
//   source(x, y) = centre + (x + 0.5 - width / 2) / zoom - 0.5     (per plane, in its own pixels)
// sampled bilinearly with weights in 1/64 pixel, edges extended. Each plane is resampled in two
// passes, horizontal then vertical, each rounding to 8 bits: out = (a * (64 - w) + b * w + 32) >> 6.
// On x86-64 with SSSE3 the passes run 16 pixels at a time (byte shuffles and pmaddubsw); the
// portable loop does the same integer arithmetic, so both give the same bytes (a test holds
// them to it). Zoom below 1 (never asked by Motion) takes the portable loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/image.h"

namespace rw {

class YuvPicture {
 public:
  YuvPicture() = default;
  // Converts an opaque ARGB32 image (the painter's, Motion's fitted still); width and height
  // must be even.
  static YuvPicture FromImage(const Image& image);

  int width() const { return width_; }
  int height() const { return height_; }
  // Plane p (0 Y, 1 U, 2 V): its size and rows. Row y starts at Row(p, y); bytes from
  // Row(p, y) - kPadLeft to Row(p, y) + PlaneWidth(p) + kPadRight - 1 may be read.
  int PlaneWidth(int p) const { return p == 0 ? width_ : width_ / 2; }
  int PlaneHeight(int p) const { return p == 0 ? height_ : height_ / 2; }
  const uint8_t* Row(int p, int y) const { return planes_[p].data() + kPadLeft + static_cast<size_t>(y) * strides_[p]; }
  uint8_t* Row(int p, int y) { return planes_[p].data() + kPadLeft + static_cast<size_t>(y) * strides_[p]; }

  static constexpr int kPadLeft = 16;
  static constexpr int kPadRight = 32;

 private:
  void Allocate(int width, int height);
  void PadRows();  // copies each row's edge pixels into its padding

  int width_ = 0;
  int height_ = 0;
  std::vector<uint8_t> planes_[3];
  size_t strides_[3] = {0, 0, 0};
};

struct ZoomView {
  double zoom = 1;      // >= 1 for the fast path
  double center_x = 0;  // the view's centre, in luma pixels of the picture
  double center_y = 0;
};

// Where DrawZoomed writes: three planes of the picture's size (4:2:0), as an AVFrame holds them.
struct YuvPlanes {
  uint8_t* data[3] = {nullptr, nullptr, nullptr};
  int stride[3] = {0, 0, 0};
};

inline YuvPlanes PlanesOf(uint8_t* const data[3], const int stride[3]) {
  YuvPlanes out;
  for (int p = 0; p < 3; ++p) out.data[p] = data[p], out.stride[p] = stride[p];
  return out;
}

// Buffers DrawZoomed reuses between calls; one per thread.
struct ZoomScratch {
  std::vector<uint8_t> rows;     // two horizontally resampled source rows
  std::vector<uint8_t> tables;   // per-frame shuffle masks and weights
  std::vector<int> columns;      // per output pixel: left source column
  std::vector<uint8_t> weights;  // per output pixel: right tap's weight, 0..64
};

void DrawZoomed(const YuvPicture& picture, const ZoomView& view, const YuvPlanes& out, ZoomScratch* scratch);

// The portable loop alone, for tests and machines without SSSE3.
void DrawZoomedPortable(const YuvPicture& picture, const ZoomView& view, const YuvPlanes& out, ZoomScratch* scratch);

}  // namespace rw
