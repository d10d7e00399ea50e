// Motion on a still: the embedded "clips" stage (DESIGN.md §1) turns a keyframe into a moving
// shot with a camera move, so no shot of an episode is a frozen picture.
//
// Contract:
// - The still may have any size and aspect (a creator's own image). The constructor cover-fits
//   it once to out_width x out_height (scale to cover, centre crop, high-quality filter); every
//   frame then samples that fitted surface.
// - Frame i of n follows an eased path (smoothstep of t = i / (n - 1)):
//     push-in    zoom 1.00 -> 1.12 about the centre
//     pull-out   zoom 1.12 -> 1.00
//     pan-left   at zoom 1.12 the view slides from the right edge of the spare width to the left
//     pan-right  likewise left to right
//     tilt-up    at zoom 1.12 the view slides from the bottom to the top
//     tilt-down  likewise top to bottom
//     static     a very slow drift 1.00 -> 1.03 about the centre
// - Sampling is bilinear with a double-precision transform (no integer snapping), so motion is
//   sub-pixel smooth with no frame-to-frame jitter. A frame at zoom 1.00 and no offset is the
//   fitted still exactly.
// - Render allocates nothing large: it wraps the caller's Image and paints one pattern.
//   Deterministic: same inputs, same pixels. Use one Motion per thread (cairo may touch the
//   shared source surface's state while painting).
#pragma once

#include <cairo.h>

#include <memory>

#include "base/image.h"
#include "schema/shots.h"

namespace rw {

class Motion {
 public:
  // Zoom at the tight end of push-in, pull-out, pans and tilts.
  static constexpr double kMoveZoom = 1.12;
  // Zoom at the end of the static drift.
  static constexpr double kStaticZoom = 1.03;

  Motion(const Image& still, CameraMove move, int out_width, int out_height, int frames);

  // Renders frame `index` (0-based; clamped to [0, frames-1]) into *out. The caller allocates
  // *out as Image(out_width, out_height) and reuses it across calls; an image of another size
  // is reallocated to the right one.
  void Render(int index, Image* out) const;

  // The camera for frame `index`: zoom (>= 1) and the view centre in fitted-still pixels.
  struct View {
    double zoom = 1;
    double center_x = 0;
    double center_y = 0;
  };
  View ViewAt(int index) const;
  // The same camera for any frame size and length, without a still.
  static View PathAt(CameraMove move, int out_width, int out_height, int frames, int index);

  // The still as fitted to the frame (out_width x out_height), which every frame samples.
  Image Fitted() const;

  int frames() const { return frames_; }
  int out_width() const { return out_width_; }
  int out_height() const { return out_height_; }

 private:
  struct SurfaceDeleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
  };
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> fitted_;  // out_width x out_height, ARGB32
  CameraMove move_;
  int out_width_;
  int out_height_;
  int frames_;
};

}  // namespace rw
