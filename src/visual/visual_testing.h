// Test-only helpers for visual/*_test.cc.
#pragma once

#include <cairo.h>

#include <algorithm>

#include "base/image.h"

namespace rw::testing {

// A test card with smooth gradients and soft shapes, at any size.
inline Image TestCard(int width, int height) {
  Image image(width, height);
  cairo_surface_t* surface = cairo_image_surface_create_for_data(image.pixels.data(), CAIRO_FORMAT_ARGB32, width,
                                                                 height, image.stride);
  cairo_t* cr = cairo_create(surface);
  cairo_pattern_t* gradient = cairo_pattern_create_linear(0, 0, width, height);
  cairo_pattern_add_color_stop_rgb(gradient, 0, 0.1, 0.2, 0.5);
  cairo_pattern_add_color_stop_rgb(gradient, 1, 0.9, 0.6, 0.2);
  cairo_set_source(cr, gradient);
  cairo_paint(cr);
  cairo_pattern_destroy(gradient);
  for (int i = 0; i < 12; ++i) {
    double x = width * (0.1 + 0.8 * ((i * 37) % 11) / 10.0), y = height * (0.1 + 0.8 * ((i * 53) % 13) / 12.0);
    cairo_arc(cr, x, y, std::min(width, height) * 0.08, 0, 2 * 3.14159265);
    cairo_set_source_rgb(cr, (i % 3) / 2.0, ((i + 1) % 3) / 2.0, ((i + 2) % 3) / 2.0);
    cairo_fill(cr);
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return image;
}

}  // namespace rw::testing
