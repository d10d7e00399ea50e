#include "visual/png.h"

#include <cairo.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "base/file.h"

namespace rw {

namespace {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct ReadCursor {
  std::string_view bytes;
  size_t offset = 0;
};

cairo_status_t ReadFromCursor(void* closure, unsigned char* data, unsigned int length) {
  auto* cursor = static_cast<ReadCursor*>(closure);
  if (cursor->bytes.size() - cursor->offset < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, cursor->bytes.data() + cursor->offset, length);
  cursor->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

bool IsOpaque(const Image& image) {
  for (int y = 0; y < image.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(image.Row(y));
    for (int x = 0; x < image.width; ++x) {
      if ((row[x] >> 24) != 0xFF) return false;
    }
  }
  return true;
}

}  // namespace

Status WritePng(const std::filesystem::path& path, const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.empty()) {
    return BadInput(path.string(), "cannot write an empty image as PNG");
  }
  if (image.stride != cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, image.width)) {
    return Failed("image stride does not match Cairo's ARGB32 layout", path.string());
  }
  // RGB24 reads the same 32-bit pixels and ignores the alpha byte; cairo only reads the data.
  cairo_format_t format = IsOpaque(image) ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32;
  SurfacePtr surface(cairo_image_surface_create_for_data(const_cast<uint8_t*>(image.pixels.data()), format,
                                                         image.width, image.height, image.stride));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Failed(std::string("cannot wrap image: ") + cairo_status_to_string(cairo_surface_status(surface.get())),
                  path.string());
  }
  std::string bytes;
  cairo_status_t status = cairo_surface_write_to_png_stream(surface.get(), AppendToString, &bytes);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Failed(std::string("cannot encode PNG: ") + cairo_status_to_string(status), path.string());
  }
  return WriteFileAtomic(path, bytes);
}

Result<Image> ReadPng(const std::filesystem::path& path) {
  RW_ASSIGN(std::string bytes, ReadFile(path));
  if (bytes.size() < kPngSignature.size() || std::string_view(bytes).substr(0, kPngSignature.size()) != kPngSignature) {
    return BadInput(path.string(), "not a PNG image (the file does not start with the PNG signature)");
  }
  ReadCursor cursor{bytes};
  SurfacePtr decoded(cairo_image_surface_create_from_png_stream(ReadFromCursor, &cursor));
  cairo_status_t status = cairo_surface_status(decoded.get());
  if (status != CAIRO_STATUS_SUCCESS) {
    return BadInput(path.string(), std::string("cannot decode PNG: ") + cairo_status_to_string(status));
  }
  int width = cairo_image_surface_get_width(decoded.get());
  int height = cairo_image_surface_get_height(decoded.get());
  if (width <= 0 || height <= 0) return BadInput(path.string(), "PNG has no pixels");

  // Paint whatever format cairo decoded to (RGB24, ARGB32, A8…) onto ARGB32 with SOURCE:
  // RGB24's undefined alpha byte becomes 0xFF, and the pixels land in our layout.
  Image image(width, height);
  SurfacePtr target(cairo_image_surface_create_for_data(image.pixels.data(), CAIRO_FORMAT_ARGB32, width, height,
                                                        image.stride));
  ContextPtr cr(cairo_create(target.get()));
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
  cairo_set_source_surface(cr.get(), decoded.get(), 0, 0);
  cairo_paint(cr.get());
  cairo_surface_flush(target.get());
  status = cairo_status(cr.get());
  if (status != CAIRO_STATUS_SUCCESS) {
    return Failed(std::string("cannot convert PNG to ARGB32: ") + cairo_status_to_string(status), path.string());
  }
  return image;
}

}  // namespace rw
