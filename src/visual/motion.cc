#include "visual/motion.h"

#include <algorithm>
#include <cstring>

namespace rw {

namespace {

struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
struct PatternDeleter {
  void operator()(cairo_pattern_t* pattern) const { cairo_pattern_destroy(pattern); }
};
struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;
using PatternPtr = std::unique_ptr<cairo_pattern_t, PatternDeleter>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;

double Smoothstep(double t) {
  t = std::clamp(t, 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

double Lerp(double a, double b, double t) { return a + (b - a) * t; }

// Cover-fits `still` onto `target` (both ARGB32): scale so it covers, centre, crop.
void CoverFit(const Image& still, cairo_surface_t* target, int width, int height) {
  ContextPtr cr(cairo_create(target));
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
  if (still.empty() || still.width <= 0 || still.height <= 0) {
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    cairo_paint(cr.get());
    return;
  }
  // cairo only reads the still's pixels here; the wrapper dies before this function returns.
  SurfacePtr source(cairo_image_surface_create_for_data(const_cast<uint8_t*>(still.pixels.data()),
                                                        CAIRO_FORMAT_ARGB32, still.width, still.height,
                                                        still.stride));
  double scale = std::max(static_cast<double>(width) / still.width, static_cast<double>(height) / still.height);
  cairo_translate(cr.get(), (width - still.width * scale) / 2, (height - still.height * scale) / 2);
  cairo_scale(cr.get(), scale, scale);
  cairo_set_source_surface(cr.get(), source.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr.get()), scale == 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend(cairo_get_source(cr.get()), CAIRO_EXTEND_PAD);
  cairo_paint(cr.get());
}

}  // namespace

Motion::Motion(const Image& still, CameraMove move, int out_width, int out_height, int frames)
    : move_(move), out_width_(std::max(1, out_width)), out_height_(std::max(1, out_height)),
      frames_(std::max(1, frames)) {
  fitted_.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out_width_, out_height_));
  CoverFit(still, fitted_.get(), out_width_, out_height_);
  cairo_surface_flush(fitted_.get());
}

Motion::View Motion::ViewAt(int index) const { return PathAt(move_, out_width_, out_height_, frames_, index); }

Motion::View Motion::PathAt(CameraMove move, int out_width, int out_height, int frames, int index) {
  frames = std::max(1, frames);
  index = std::clamp(index, 0, frames - 1);
  double t = frames > 1 ? static_cast<double>(index) / (frames - 1) : 0.0;
  double e = Smoothstep(t);
  double cx = out_width / 2.0;
  double cy = out_height / 2.0;
  // Half the spare width/height at the move zoom: how far the centre can travel from the middle.
  double spare_x = cx * (1 - 1 / kMoveZoom);
  double spare_y = cy * (1 - 1 / kMoveZoom);
  switch (move) {
    case CameraMove::kPushIn: return {Lerp(1.0, kMoveZoom, e), cx, cy};
    case CameraMove::kPullOut: return {Lerp(kMoveZoom, 1.0, e), cx, cy};
    case CameraMove::kPanLeft: return {kMoveZoom, Lerp(cx + spare_x, cx - spare_x, e), cy};
    case CameraMove::kPanRight: return {kMoveZoom, Lerp(cx - spare_x, cx + spare_x, e), cy};
    case CameraMove::kTiltUp: return {kMoveZoom, cx, Lerp(cy + spare_y, cy - spare_y, e)};
    case CameraMove::kTiltDown: return {kMoveZoom, cx, Lerp(cy - spare_y, cy + spare_y, e)};
    case CameraMove::kStatic: break;
  }
  return {Lerp(1.0, kStaticZoom, e), cx, cy};
}

Image Motion::Fitted() const {
  Image image(out_width_, out_height_);
  const uint8_t* data = cairo_image_surface_get_data(fitted_.get());
  const int stride = cairo_image_surface_get_stride(fitted_.get());
  for (int y = 0; y < out_height_; ++y) std::memcpy(image.Row(y), data + static_cast<size_t>(y) * stride, image.stride);
  return image;
}

void Motion::Render(int index, Image* out) const {
  if (out->width != out_width_ || out->height != out_height_ || out->empty()) {
    *out = Image(out_width_, out_height_);
  }
  View view = ViewAt(index);
  SurfacePtr target(cairo_image_surface_create_for_data(out->pixels.data(), CAIRO_FORMAT_ARGB32, out_width_,
                                                        out_height_, out->stride));
  ContextPtr cr(cairo_create(target.get()));
  PatternPtr pattern(cairo_pattern_create_for_surface(fitted_.get()));
  // The pattern matrix maps output (user) space to fitted-still space:
  //   source = centre + (output - output_centre) / zoom.
  cairo_matrix_t matrix;
  cairo_matrix_init_translate(&matrix, view.center_x, view.center_y);
  cairo_matrix_scale(&matrix, 1 / view.zoom, 1 / view.zoom);
  cairo_matrix_translate(&matrix, -out_width_ / 2.0, -out_height_ / 2.0);
  cairo_pattern_set_matrix(pattern.get(), &matrix);
  cairo_pattern_set_filter(pattern.get(), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend(pattern.get(), CAIRO_EXTEND_PAD);
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
  cairo_set_source(cr.get(), pattern.get());
  cairo_paint(cr.get());
  cairo_surface_flush(target.get());
}

}  // namespace rw
