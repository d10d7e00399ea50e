#include "visual/cover.h"

#include <algorithm>
#include <memory>

#include "visual/cairo_ptr.h"

namespace rw {

namespace {

SurfacePtr Wrap(Image& image) {
  return SurfacePtr(cairo_image_surface_create_for_data(image.pixels.data(), CAIRO_FORMAT_ARGB32, image.width, image.height, image.stride));
}

// Centred text in a box `width` wide whose top is at `y`; returns the height it took.
double Text(cairo_t* cr, const std::string& text, const char* font, double size, double x, double y, double width, double alpha) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  FontDescriptionPtr desc(pango_font_description_from_string(font));
  pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_alignment(layout.get(), PANGO_ALIGN_CENTER);
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(layout.get(), text.c_str(), -1);
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout.get(), &w, &h);
  // A soft shadow, then the text.
  cairo_set_source_rgba(cr, 0, 0, 0, 0.6 * alpha);
  cairo_move_to(cr, x + size * 0.04, y + size * 0.05);
  pango_cairo_show_layout(cr, layout.get());
  cairo_set_source_rgba(cr, 1, 1, 1, alpha);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout.get());
  return h;
}

}  // namespace

Result<Image> PaintCover(const Image& frame, const std::string& title, const std::string& episode_line, int width, int height) {
  if (width < 16 || height < 16 || frame.empty()) return BadInput("", "a cover needs a frame and a size of at least 16 pixels");
  Image cover(width, height);
  Image source = frame;  // cairo wants a mutable buffer
  SurfacePtr dst = Wrap(cover), src = Wrap(source);
  ContextPtr cr(cairo_create(dst.get()));
  double scale = std::max(static_cast<double>(width) / frame.width, static_cast<double>(height) / frame.height);
  cairo_save(cr.get());
  cairo_translate(cr.get(), (width - frame.width * scale) / 2, (height - frame.height * scale) / 2);
  cairo_scale(cr.get(), scale, scale);
  cairo_set_source_surface(cr.get(), src.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
  cairo_paint(cr.get());
  cairo_restore(cr.get());
  // Dark toward the bottom, where the title sits.
  cairo_pattern_t* shade = cairo_pattern_create_linear(0, height * 0.45, 0, height);
  cairo_pattern_add_color_stop_rgba(shade, 0, 0, 0, 0, 0);
  cairo_pattern_add_color_stop_rgba(shade, 1, 0, 0, 0, 0.85);
  cairo_set_source(cr.get(), shade);
  cairo_paint(cr.get());
  cairo_pattern_destroy(shade);
  double margin = width * 0.07, box = width - 2 * margin;
  double y = height * 0.66;
  y += Text(cr.get(), title, "Noto Sans CJK SC Bold", width * 0.095, margin, y, box, 1.0) + width * 0.03;
  Text(cr.get(), episode_line, "Noto Sans CJK SC", width * 0.05, margin, y, box, 0.9);
  cairo_surface_flush(dst.get());
  return cover;
}

}  // namespace rw
