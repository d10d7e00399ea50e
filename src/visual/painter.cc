#include "visual/painter.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <string_view>

#include "base/rng.h"
#include "base/text.h"
#include "visual/cairo_ptr.h"

namespace rw {

namespace {

// Saves the cairo state for a scope.
class SavedState {
 public:
  explicit SavedState(cairo_t* cr) : cr_(cr) { cairo_save(cr_); }
  ~SavedState() { cairo_restore(cr_); }
  SavedState(const SavedState&) = delete;
  SavedState& operator=(const SavedState&) = delete;

 private:
  cairo_t* cr_;
};

constexpr double kLogicalWidth = 1080;
constexpr double kPi = 3.14159265358979323846;
constexpr char kFontFamily[] = "Noto Sans CJK SC";
constexpr double kCaptionFontPx = 46;
constexpr double kCaptionBoxX = 60;
constexpr double kCaptionBoxWidth = 960;
constexpr double kCaptionPadX = 34;
constexpr double kCaptionPadY = 24;
constexpr double kCaptionTop = 156;
constexpr double kLabelFontPx = 26;

// ---------------------------------------------------------------------------------------------
// Colour.

struct Rgb {
  double r = 0, g = 0, b = 0;
};

Rgb Mix(Rgb a, Rgb b, double t) { return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t}; }
Rgb Darker(Rgb c, double t) { return Mix(c, {0, 0, 0}, t); }
Rgb Lighter(Rgb c, double t) { return Mix(c, {1, 1, 1}, t); }
Rgb Scaled(Rgb c, double k) {
  return {std::clamp(c.r * k, 0.0, 1.0), std::clamp(c.g * k, 0.0, 1.0), std::clamp(c.b * k, 0.0, 1.0)};
}
double Luma(Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Rgb> ParseHex(std::string_view text) {
  if (text.size() != 7 || text[0] != '#') return std::nullopt;
  int v[6];
  for (int i = 0; i < 6; ++i) {
    v[i] = HexDigit(text[i + 1]);
    if (v[i] < 0) return std::nullopt;
  }
  return Rgb{(v[0] * 16 + v[1]) / 255.0, (v[2] * 16 + v[3]) / 255.0, (v[4] * 16 + v[5]) / 255.0};
}

Rgb PaletteAt(const std::vector<std::string>& palette, size_t index, Rgb fallback) {
  if (index >= palette.size()) return fallback;
  return ParseHex(Trim(palette[index])).value_or(fallback);
}

void SetColor(cairo_t* cr, Rgb c, double alpha = 1) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha); }

// ---------------------------------------------------------------------------------------------
// Paths and fills.

void RoundRectPath(cairo_t* cr, double x, double y, double w, double h, double r) {
  r = std::min({r, w / 2, h / 2});
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -kPi / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, kPi / 2);
  cairo_arc(cr, x + r, y + h - r, r, kPi / 2, kPi);
  cairo_arc(cr, x + r, y + r, r, kPi, 1.5 * kPi);
  cairo_close_path(cr);
}

void EllipsePath(cairo_t* cr, double cx, double cy, double rx, double ry) {
  SavedState saved(cr);
  cairo_translate(cr, cx, cy);
  cairo_scale(cr, rx, ry);
  cairo_new_sub_path(cr);
  cairo_arc(cr, 0, 0, 1, 0, 2 * kPi);
}

void FillRect(cairo_t* cr, double x, double y, double w, double h, Rgb c, double alpha = 1) {
  cairo_rectangle(cr, x, y, w, h);
  SetColor(cr, c, alpha);
  cairo_fill(cr);
}

// Fills the current path (or, with a rectangle, that rectangle) with a vertical gradient.
void FillVertical(cairo_t* cr, double y0, double y1, Rgb top, Rgb bottom, double alpha = 1) {
  PatternPtr gradient(cairo_pattern_create_linear(0, y0, 0, y1));
  cairo_pattern_add_color_stop_rgba(gradient.get(), 0, top.r, top.g, top.b, alpha);
  cairo_pattern_add_color_stop_rgba(gradient.get(), 1, bottom.r, bottom.g, bottom.b, alpha);
  cairo_set_source(cr, gradient.get());
  cairo_fill(cr);
}

void RectVertical(cairo_t* cr, double x, double y, double w, double h, Rgb top, Rgb bottom) {
  cairo_rectangle(cr, x, y, w, h);
  FillVertical(cr, y, y + h, top, bottom);
}

void Glow(cairo_t* cr, double x, double y, double radius, Rgb c, double alpha) {
  PatternPtr gradient(cairo_pattern_create_radial(x, y, 0, x, y, radius));
  cairo_pattern_add_color_stop_rgba(gradient.get(), 0, c.r, c.g, c.b, alpha);
  cairo_pattern_add_color_stop_rgba(gradient.get(), 0.4, c.r, c.g, c.b, alpha * 0.45);
  cairo_pattern_add_color_stop_rgba(gradient.get(), 1, c.r, c.g, c.b, 0);
  cairo_set_source(cr, gradient.get());
  cairo_arc(cr, x, y, radius, 0, 2 * kPi);
  cairo_fill(cr);
}

// Fills the current path with `fill` and outlines it with a darker shade.
void FillAndOutline(cairo_t* cr, Rgb fill, double line_width, double alpha = 1) {
  SetColor(cr, fill, alpha);
  cairo_fill_preserve(cr);
  SetColor(cr, Darker(fill, 0.45), alpha);
  cairo_set_line_width(cr, line_width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
}

// ---------------------------------------------------------------------------------------------
// Text.

LayoutPtr MakeLayout(cairo_t* cr, std::string_view text, double size_px, bool bold) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  // Unhinted outlines and metrics: the layout is the same at every scale and on every run.
  FontOptionsPtr options(cairo_font_options_create());
  cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(pango_layout_get_context(layout.get()), options.get());
  pango_layout_context_changed(layout.get());
  FontDescriptionPtr font(pango_font_description_new());
  pango_font_description_set_family(font.get(), kFontFamily);
  pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font.get(), size_px * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  return layout;
}

// The caption layout, wrapped to the box and cut at kMaxCaptionLines with an ellipsis.
LayoutPtr MakeCaptionLayout(cairo_t* cr, std::string_view caption) {
  LayoutPtr layout = MakeLayout(cr, caption, kCaptionFontPx, false);
  pango_layout_set_width(layout.get(), static_cast<int>((kCaptionBoxWidth - 2 * kCaptionPadX) * PANGO_SCALE));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  pango_layout_set_height(layout.get(), -kMaxCaptionLines);
  pango_layout_set_alignment(layout.get(), PANGO_ALIGN_CENTER);
  pango_layout_set_spacing(layout.get(), static_cast<int>(6 * PANGO_SCALE));
  return layout;
}

double LayoutWidth(PangoLayout* layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return static_cast<double>(logical.width) / PANGO_SCALE;
}
double LayoutHeight(PangoLayout* layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return static_cast<double>(logical.height) / PANGO_SCALE;
}

// A rounded translucent pill with one line of text; returns its height.
double DrawPill(cairo_t* cr, double x, double y, std::string_view text, Rgb background, double alpha,
                Rgb marker = {}, bool with_marker = false) {
  LayoutPtr layout = MakeLayout(cr, text, kLabelFontPx, true);
  double w = LayoutWidth(layout.get());
  double h = LayoutHeight(layout.get());
  double pad_x = 16, pad_y = 7;
  double marker_w = with_marker ? 26 : 0;
  RoundRectPath(cr, x, y, w + 2 * pad_x + marker_w, h + 2 * pad_y, (h + 2 * pad_y) / 2);
  SetColor(cr, background, alpha);
  cairo_fill(cr);
  if (with_marker) {
    cairo_arc(cr, x + pad_x + 8, y + pad_y + h / 2, 8, 0, 2 * kPi);
    SetColor(cr, marker);
    cairo_fill(cr);
  }
  cairo_move_to(cr, x + pad_x + marker_w, y + pad_y);
  cairo_set_source_rgb(cr, 1, 1, 1);
  pango_cairo_show_layout(cr, layout.get());
  return h + 2 * pad_y;
}

void DrawCenteredText(cairo_t* cr, double cx, double y, std::string_view text, double size_px) {
  LayoutPtr layout = MakeLayout(cr, text, size_px, true);
  double w = LayoutWidth(layout.get());
  cairo_move_to(cr, cx - w / 2 + size_px * 0.06, y + size_px * 0.06);
  cairo_set_source_rgba(cr, 0, 0, 0, 0.75);
  pango_cairo_show_layout(cr, layout.get());
  cairo_move_to(cr, cx - w / 2, y);
  cairo_set_source_rgb(cr, 1, 1, 1);
  pango_cairo_show_layout(cr, layout.get());
}

// ---------------------------------------------------------------------------------------------
// Light: time of day grades every colour of the set and, more gently, of the cast.

enum class TimeOfDay { kDay, kNight, kDusk, kDawn };

TimeOfDay ParseTime(std::string_view text) {
  std::string upper = ToUpperAscii(Trim(text));
  auto has = [&](std::string_view word) { return upper.find(word) != std::string::npos; };
  if (has("NIGHT") || has("夜") || has("晚")) return TimeOfDay::kNight;
  if (has("DUSK") || has("SUNSET") || has("EVENING") || has("黄昏") || has("傍晚")) return TimeOfDay::kDusk;
  if (has("DAWN") || has("SUNRISE") || has("MORNING") || has("清晨") || has("黎明")) return TimeOfDay::kDawn;
  return TimeOfDay::kDay;
}

// The time of day as a scene heading shows it: in Chinese for a location named in Chinese
// (as Location::Heading() writes it), else in English.
const char* TimeName(TimeOfDay time, bool chinese) {
  if (chinese) {
    switch (time) {
      case TimeOfDay::kNight: return "夜";
      case TimeOfDay::kDusk: return "黄昏";
      case TimeOfDay::kDawn: return "清晨";
      case TimeOfDay::kDay: break;
    }
    return "日";
  }
  switch (time) {
    case TimeOfDay::kNight: return "NIGHT";
    case TimeOfDay::kDusk: return "DUSK";
    case TimeOfDay::kDawn: return "DAWN";
    case TimeOfDay::kDay: break;
  }
  return "DAY";
}

struct Lighting {
  TimeOfDay time = TimeOfDay::kDay;
  Rgb sky_top, sky_horizon;
  Rgb tint;
  double tint_amount = 0;
  double exposure = 1;
  Rgb window_light{1.0, 0.84, 0.52};  // lamps and lit windows

  bool night() const { return time == TimeOfDay::kNight; }
  Rgb Set(Rgb c) const { return Mix(Scaled(c, exposure), tint, tint_amount); }
  Rgb Figure(Rgb c) const { return Mix(Scaled(c, 1 - (1 - exposure) * 0.35), tint, tint_amount * 0.35); }
};

Lighting MakeLighting(TimeOfDay time, bool interior) {
  Lighting light;
  light.time = time;
  switch (time) {
    case TimeOfDay::kNight:
      light.sky_top = {0.02, 0.03, 0.09};
      light.sky_horizon = {0.11, 0.13, 0.27};
      light.tint = {0.05, 0.08, 0.22};
      light.tint_amount = interior ? 0.22 : 0.32;
      light.exposure = interior ? 0.72 : 0.55;
      break;
    case TimeOfDay::kDusk:
      light.sky_top = {0.22, 0.18, 0.42};
      light.sky_horizon = {0.99, 0.56, 0.30};
      light.tint = {0.98, 0.52, 0.26};
      light.tint_amount = 0.16;
      light.exposure = 0.92;
      break;
    case TimeOfDay::kDawn:
      light.sky_top = {0.42, 0.52, 0.78};
      light.sky_horizon = {0.99, 0.80, 0.68};
      light.tint = {0.96, 0.72, 0.72};
      light.tint_amount = 0.12;
      light.exposure = 0.96;
      break;
    case TimeOfDay::kDay:
      light.sky_top = {0.30, 0.56, 0.88};
      light.sky_horizon = {0.76, 0.88, 0.98};
      light.tint = {1, 1, 1};
      light.tint_amount = 0.04;
      light.exposure = 1.04;
      break;
  }
  return light;
}

// ---------------------------------------------------------------------------------------------
// Sets. Drawn in a 1080 x H "set" space that the camera zooms into for closer shots; the wall
// meets the floor at 0.70 H indoors, the horizon sits near 0.55 H outdoors.

enum class SetKind { kOffice, kStreet, kHall, kHome, kHospital, kRooftop, kRestaurant, kCar, kGarden, kBedroom, kOther };

SetKind ParseSetKind(std::string_view text) {
  std::string kind = ToLowerAscii(Trim(text));
  static constexpr std::array<std::pair<std::string_view, SetKind>, 10> kKinds{{
      {"office", SetKind::kOffice}, {"street", SetKind::kStreet}, {"hall", SetKind::kHall},
      {"home", SetKind::kHome}, {"hospital", SetKind::kHospital}, {"rooftop", SetKind::kRooftop},
      {"restaurant", SetKind::kRestaurant}, {"car", SetKind::kCar}, {"garden", SetKind::kGarden},
      {"bedroom", SetKind::kBedroom},
  }};
  for (const auto& [name, value] : kKinds) {
    if (kind == name) return value;
  }
  return SetKind::kOther;
}

struct SetDefaults {
  Rgb wall, accent, floor;
};

SetDefaults DefaultsFor(SetKind kind) {
  switch (kind) {
    case SetKind::kOffice: return {{0.23, 0.26, 0.32}, {0.79, 0.66, 0.42}, {0.17, 0.17, 0.20}};
    case SetKind::kStreet: return {{0.30, 0.31, 0.36}, {0.88, 0.69, 0.31}, {0.18, 0.19, 0.22}};
    case SetKind::kHall: return {{0.55, 0.44, 0.36}, {0.91, 0.78, 0.45}, {0.35, 0.24, 0.19}};
    case SetKind::kHome: return {{0.78, 0.70, 0.60}, {0.48, 0.36, 0.27}, {0.55, 0.42, 0.31}};
    case SetKind::kHospital: return {{0.86, 0.91, 0.90}, {0.50, 0.72, 0.69}, {0.72, 0.77, 0.76}};
    case SetKind::kRooftop: return {{0.31, 0.35, 0.40}, {0.88, 0.69, 0.31}, {0.23, 0.25, 0.28}};
    case SetKind::kRestaurant: return {{0.43, 0.23, 0.18}, {0.91, 0.75, 0.48}, {0.29, 0.16, 0.13}};
    case SetKind::kCar: return {{0.16, 0.17, 0.20}, {0.54, 0.56, 0.60}, {0.11, 0.11, 0.13}};
    case SetKind::kGarden: return {{0.31, 0.48, 0.23}, {0.90, 0.72, 0.78}, {0.48, 0.42, 0.31}};
    case SetKind::kBedroom: return {{0.72, 0.65, 0.75}, {0.94, 0.88, 0.82}, {0.48, 0.35, 0.28}};
    case SetKind::kOther: break;
  }
  return {{0.54, 0.56, 0.60}, {0.75, 0.63, 0.50}, {0.35, 0.33, 0.31}};
}

struct SetContext {
  cairo_t* cr = nullptr;
  double w = kLogicalWidth;
  double h = 1920;
  Lighting light;
  bool interior = true;
  Rgb wall, accent, floor;  // graded
  Rng* rng = nullptr;
  double floor_y() const { return 0.70 * h; }
};

void DrawSky(const SetContext& s, double x, double y, double w, double h) {
  cairo_t* cr = s.cr;
  RectVertical(cr, x, y, w, h, s.light.sky_top, s.light.sky_horizon);
  Rng rng = s.rng->Fork("sky");
  if (s.light.night()) {
    for (int i = 0; i < 60; ++i) {
      double sx = x + rng.Unit() * w, sy = y + rng.Unit() * h * 0.7;
      cairo_arc(cr, sx, sy, 1.2 + rng.Unit() * 1.6, 0, 2 * kPi);
      cairo_set_source_rgba(cr, 1, 1, 0.95, 0.35 + rng.Unit() * 0.5);
      cairo_fill(cr);
    }
    double mx = x + w * (0.2 + rng.Unit() * 0.6), my = y + h * 0.34;
    Glow(cr, mx, my, 110, {0.75, 0.8, 1.0}, 0.25);
    cairo_arc(cr, mx, my, 34, 0, 2 * kPi);
    cairo_set_source_rgb(cr, 0.95, 0.95, 0.88);
    cairo_fill(cr);
  } else if (s.light.time != TimeOfDay::kDay) {
    double sx = x + w * (0.3 + rng.Unit() * 0.4), sy = y + h * 0.82;
    Glow(cr, sx, sy, 260, {1.0, 0.75, 0.45}, 0.55);
    cairo_arc(cr, sx, sy, 60, 0, 2 * kPi);
    cairo_set_source_rgb(cr, 1.0, 0.86, 0.62);
    cairo_fill(cr);
  } else {
    // A few soft clouds.
    for (int i = 0; i < 4; ++i) {
      double cx = x + rng.Unit() * w, cy = y + h * (0.15 + rng.Unit() * 0.4);
      for (int j = 0; j < 4; ++j) {
        EllipsePath(cr, cx + j * 45 - 70, cy - (j % 2) * 18, 60, 30);
      }
      cairo_set_source_rgba(cr, 1, 1, 1, 0.55);
      cairo_fill(cr);
    }
  }
}

// A row of buildings from x0 to x1 standing on `base`, windows lit at night.
void DrawSkyline(const SetContext& s, double x0, double x1, double base, double min_h, double max_h, Rgb body,
                 double window_scale, std::string_view name) {
  cairo_t* cr = s.cr;
  Rng rng = s.rng->Fork(name);
  double x = x0 - rng.Unit() * 40;
  while (x < x1) {
    double bw = (50 + rng.Unit() * 80) * window_scale;
    double bh = min_h + rng.Unit() * (max_h - min_h);
    Rgb shade = Mix(body, Lighter(body, 0.3), rng.Unit() * 0.5);
    FillRect(cr, x, base - bh, bw, bh, shade);
    if (rng.Chance(0.3)) FillRect(cr, x + bw * 0.4, base - bh - 30 * window_scale, 3, 30 * window_scale, shade);
    double ww = 7 * window_scale, wh = 10 * window_scale, gap_x = 14 * window_scale, gap_y = 18 * window_scale;
    for (double wy = base - bh + 12 * window_scale; wy < base - wh; wy += gap_y) {
      for (double wx = x + 8 * window_scale; wx < x + bw - ww - 4; wx += gap_x) {
        if (s.light.night()) {
          if (rng.Chance(0.38)) FillRect(cr, wx, wy, ww, wh, s.light.window_light, 0.55 + rng.Unit() * 0.45);
        } else if (rng.Chance(0.6)) {
          FillRect(cr, wx, wy, ww, wh, Lighter(shade, 0.35), 0.6);
        }
      }
    }
    x += bw + 2 + rng.Unit() * 10;
  }
}

// A window onto the city: sky, skyline, frame and mullions.
void DrawCityWindow(const SetContext& s, double x, double y, double w, double h, int mullions) {
  cairo_t* cr = s.cr;
  {
    SavedState saved(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    DrawSky(s, x, y, w, h);
    Rgb far = s.light.night() ? Rgb{0.10, 0.11, 0.20} : Mix(s.light.sky_horizon, {0.35, 0.42, 0.55}, 0.6);
    Rgb near = s.light.night() ? Rgb{0.05, 0.06, 0.12} : Mix(s.light.sky_horizon, {0.22, 0.27, 0.36}, 0.75);
    DrawSkyline(s, x, x + w, y + h, h * 0.25, h * 0.6, far, 0.8, "skyline-far");
    DrawSkyline(s, x, x + w, y + h, h * 0.12, h * 0.42, near, 1.2, "skyline-near");
    if (!s.light.night()) {
      // Glare on the glass.
      cairo_move_to(cr, x + w * 0.1, y + h);
      cairo_line_to(cr, x + w * 0.35, y);
      cairo_line_to(cr, x + w * 0.47, y);
      cairo_line_to(cr, x + w * 0.22, y + h);
      cairo_set_source_rgba(cr, 1, 1, 1, 0.10);
      cairo_fill(cr);
    }
  }
  Rgb frame = Darker(Mix(s.wall, s.accent, 0.2), 0.35);
  cairo_set_line_width(cr, 14);
  SetColor(cr, frame);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
  for (int i = 1; i <= mullions; ++i) FillRect(cr, x + w * i / (mullions + 1) - 4, y, 8, h, frame);
  FillRect(cr, x, y + h * 0.62, w, 7, frame);
}

void DrawFloor(const SetContext& s, double top, Rgb color, bool planks) {
  cairo_t* cr = s.cr;
  RectVertical(cr, 0, top, s.w, s.h - top, Lighter(color, 0.08), Darker(color, 0.35));
  SetColor(cr, Darker(color, 0.3), 0.5);
  cairo_set_line_width(cr, 2);
  double vx = s.w / 2, vy = top - s.h * 0.35;
  if (planks) {
    for (int i = -12; i <= 12; ++i) {
      double bx = vx + i * 130;
      double t = (top - vy) / (s.h - vy);
      cairo_move_to(cr, vx + (bx - vx) * t, top);
      cairo_line_to(cr, bx, s.h);
    }
    cairo_stroke(cr);
  }
  for (double y = top + 18, step = 18; y < s.h; step *= 1.35, y += step) {
    cairo_move_to(cr, 0, y);
    cairo_line_to(cr, s.w, y);
  }
  SetColor(cr, Darker(color, 0.3), planks ? 0.18 : 0.4);
  cairo_stroke(cr);
  // Skirting board.
  FillRect(cr, 0, top - 10, s.w, 14, Darker(s.wall, 0.35));
}

void DrawWall(const SetContext& s) {
  RectVertical(s.cr, 0, 0, s.w, s.floor_y(), Lighter(s.wall, 0.06), Darker(s.wall, 0.18));
}

void DrawLamp(const SetContext& s, double x, double floor, double height) {
  cairo_t* cr = s.cr;
  FillRect(cr, x - 4, floor - height, 8, height, Darker(s.accent, 0.5));
  EllipsePath(cr, x, floor - 4, 36, 9);
  SetColor(cr, Darker(s.accent, 0.55));
  cairo_fill(cr);
  double top = floor - height - 70;
  cairo_move_to(cr, x - 34, top);
  cairo_line_to(cr, x + 34, top);
  cairo_line_to(cr, x + 52, top + 70);
  cairo_line_to(cr, x - 52, top + 70);
  cairo_close_path(cr);
  Rgb shade = s.light.night() ? Rgb{1.0, 0.88, 0.62} : Lighter(s.accent, 0.5);
  FillAndOutline(cr, shade, 3);
  if (s.light.night() || s.light.time == TimeOfDay::kDusk) Glow(cr, x, top + 50, 260, s.light.window_light, 0.35);
}

void DrawPlant(const SetContext& s, double x, double floor, double size) {
  cairo_t* cr = s.cr;
  Rgb leaf = s.light.Set({0.22, 0.45, 0.25});
  for (int i = 0; i < 7; ++i) {
    double a = -kPi / 2 + (i - 3) * 0.32;
    double lx = x + std::cos(a) * size, ly = floor - size * 0.55 + std::sin(a) * size;
    EllipsePath(cr, (x + lx) / 2, (floor - size * 0.55 + ly) / 2, size * 0.16, size * 0.5);
    SetColor(cr, Mix(leaf, Darker(leaf, 0.4), (i % 3) / 3.0));
    cairo_fill(cr);
  }
  cairo_move_to(cr, x - size * 0.35, floor - size * 0.55);
  cairo_line_to(cr, x + size * 0.35, floor - size * 0.55);
  cairo_line_to(cr, x + size * 0.26, floor);
  cairo_line_to(cr, x - size * 0.26, floor);
  cairo_close_path(cr);
  FillAndOutline(cr, Mix(s.accent, s.wall, 0.4), 3);
}

void DrawOffice(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  DrawCityWindow(s, 70, 0.08 * s.h, s.w - 140, 0.56 * s.h, 3);
  DrawFloor(s, s.floor_y(), s.floor, false);
  // Desk with a monitor and a lamp, behind where people stand.
  double desk_top = s.floor_y() - 0.045 * s.h;
  Rgb wood = Mix(s.floor, s.accent, 0.35);
  RoundRectPath(cr, 600, desk_top, 430, 22, 6);
  FillAndOutline(cr, Lighter(wood, 0.1), 3);
  cairo_rectangle(cr, 620, desk_top + 22, 390, 0.06 * s.h);
  FillAndOutline(cr, Darker(wood, 0.2), 3);
  RoundRectPath(cr, 760, desk_top - 120, 170, 110, 8);
  FillAndOutline(cr, {0.08, 0.09, 0.11}, 3);
  RoundRectPath(cr, 770, desk_top - 110, 150, 90, 4);
  SetColor(cr, s.light.night() ? Rgb{0.35, 0.55, 0.85} : Rgb{0.55, 0.65, 0.75}, 0.85);
  cairo_fill(cr);
  FillRect(cr, 838, desk_top - 12, 14, 12, {0.1, 0.1, 0.12});
  DrawPlant(s, 120, s.floor_y() + 0.02 * s.h, 120);
}

void DrawStreetLamp(const SetContext& s, double x, double base, double height) {
  cairo_t* cr = s.cr;
  Rgb metal = s.light.Set({0.2, 0.22, 0.25});
  FillRect(cr, x - height * 0.012, base - height, height * 0.024, height, metal);
  double arm = height * 0.16;
  cairo_set_line_width(cr, height * 0.018);
  SetColor(cr, metal);
  cairo_move_to(cr, x, base - height);
  cairo_curve_to(cr, x, base - height * 1.06, x + arm, base - height * 1.06, x + arm, base - height * 1.0);
  cairo_stroke(cr);
  EllipsePath(cr, x + arm, base - height * 0.99, height * 0.05, height * 0.02);
  bool lit = s.light.night() || s.light.time == TimeOfDay::kDusk;
  SetColor(cr, lit ? Rgb{1.0, 0.92, 0.7} : Lighter(metal, 0.4));
  cairo_fill(cr);
  if (lit) {
    Glow(cr, x + arm, base - height * 0.98, height * 0.45, s.light.window_light, 0.45);
    // The pool of light on the ground.
    PatternPtr pool(cairo_pattern_create_radial(x + arm, base, 0, x + arm, base, height * 0.5));
    cairo_pattern_add_color_stop_rgba(pool.get(), 0, 1.0, 0.85, 0.55, 0.28);
    cairo_pattern_add_color_stop_rgba(pool.get(), 1, 1.0, 0.85, 0.55, 0);
    SavedState saved(cr);
    cairo_translate(cr, x + arm, base);
    cairo_scale(cr, 1, 0.3);
    cairo_translate(cr, -(x + arm), -base);
    cairo_set_source(cr, pool.get());
    cairo_arc(cr, x + arm, base, height * 0.5, 0, 2 * kPi);
    cairo_fill(cr);
  }
}

// One-point perspective street: facades on both sides recede to the vanishing point.
void DrawStreet(const SetContext& s) {
  cairo_t* cr = s.cr;
  double horizon = 0.55 * s.h;
  double vx = s.w / 2;
  DrawSky(s, 0, 0, s.w, horizon + 4);
  Rgb far = s.light.night() ? Rgb{0.09, 0.10, 0.19} : Mix(s.light.sky_horizon, {0.35, 0.40, 0.52}, 0.55);
  DrawSkyline(s, 300, 780, horizon, 0.06 * s.h, 0.2 * s.h, far, 0.7, "street-far");
  // Road and pavements.
  Rgb road = s.floor;
  cairo_move_to(cr, vx - 20, horizon);
  cairo_line_to(cr, vx + 20, horizon);
  cairo_line_to(cr, s.w + 700, s.h);
  cairo_line_to(cr, -700, s.h);
  cairo_close_path(cr);
  FillVertical(cr, horizon, s.h, Lighter(road, 0.1), Darker(road, 0.2));
  Rgb pavement = Lighter(s.floor, 0.25);
  for (int side : {-1, 1}) {
    cairo_move_to(cr, vx + side * 20, horizon);
    cairo_line_to(cr, vx + side * 300, horizon);
    cairo_line_to(cr, vx + side * 1400, s.h);
    cairo_line_to(cr, vx + side * 520, s.h);
    cairo_close_path(cr);
    FillVertical(cr, horizon, s.h, pavement, Darker(pavement, 0.25));
  }
  // Lane dashes, longer as they come closer.
  for (double t = 0.04; t < 1; t *= 1.6) {
    double t2 = std::min(1.0, t * 1.3);
    double y0 = horizon + (s.h - horizon) * t, y1 = horizon + (s.h - horizon) * t2;
    cairo_move_to(cr, vx - 2 - 10 * t, y0);
    cairo_line_to(cr, vx + 2 + 10 * t, y0);
    cairo_line_to(cr, vx + 2 + 10 * t2, y1);
    cairo_line_to(cr, vx - 2 - 10 * t2, y1);
    cairo_close_path(cr);
    SetColor(cr, s.light.Set({0.92, 0.86, 0.62}), 0.85);
    cairo_fill(cr);
  }
  // Facades.
  Rgb facade = s.wall;
  for (int side : {-1, 1}) {
    double outer = side < 0 ? 0 : s.w;
    double inner = vx + side * 150;
    double top_outer = 0.0 * s.h, top_inner = horizon - 0.22 * s.h;
    double bottom_outer = 0.80 * s.h, bottom_inner = horizon + 0.015 * s.h;
    cairo_move_to(cr, outer, top_outer);
    cairo_line_to(cr, inner, top_inner);
    cairo_line_to(cr, inner, bottom_inner);
    cairo_line_to(cr, outer, bottom_outer);
    cairo_close_path(cr);
    FillAndOutline(cr, side < 0 ? facade : Darker(facade, 0.15), 3);
    // Windows on a perspective grid; shop fronts at the bottom.
    Rng rng = s.rng->Fork(side < 0 ? "facade-left" : "facade-right");
    const int cols = 6, rows = 9;
    for (int c = 0; c < cols; ++c) {
      double u0 = (c + 0.2) / cols, u1 = (c + 0.75) / cols;
      // Perspective: columns shrink toward the vanishing point.
      auto px = [&](double u) { double q = 1 - std::pow(1 - u, 1.8); return outer + (inner - outer) * q; };
      auto py = [&](double u, double v) {
        double q = 1 - std::pow(1 - u, 1.8);
        double top = top_outer + (top_inner - top_outer) * q, bottom = bottom_outer + (bottom_inner - bottom_outer) * q;
        return top + (bottom - top) * v;
      };
      for (int r = 0; r < rows; ++r) {
        double v0 = (r + 0.25) / (rows + 1.5), v1 = (r + 0.8) / (rows + 1.5);
        bool lit = s.light.night() ? rng.Chance(0.45) : false;
        cairo_move_to(cr, px(u0), py(u0, v0));
        cairo_line_to(cr, px(u1), py(u1, v0));
        cairo_line_to(cr, px(u1), py(u1, v1));
        cairo_line_to(cr, px(u0), py(u0, v1));
        cairo_close_path(cr);
        if (lit) {
          SetColor(cr, s.light.window_light, 0.85);
        } else {
          SetColor(cr, s.light.night() ? Rgb{0.07, 0.08, 0.14} : Mix(s.light.sky_horizon, facade, 0.45), 0.9);
        }
        cairo_fill(cr);
      }
      // Shop window along the street.
      double v0 = (rows + 0.35) / (rows + 1.5), v1 = 0.985;
      cairo_move_to(cr, px(u0), py(u0, v0));
      cairo_line_to(cr, px(u1), py(u1, v0));
      cairo_line_to(cr, px(u1), py(u1, v1));
      cairo_line_to(cr, px(u0), py(u0, v1));
      cairo_close_path(cr);
      SetColor(cr, s.light.night() ? Mix(s.light.window_light, s.accent, 0.4) : Lighter(s.accent, 0.3), 0.8);
      cairo_fill(cr);
    }
  }
  DrawStreetLamp(s, 170, 0.86 * s.h, 0.42 * s.h);
  DrawStreetLamp(s, 330, 0.66 * s.h, 0.2 * s.h);
  DrawStreetLamp(s, 410, 0.595 * s.h, 0.09 * s.h);
}

void DrawHall(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  // Arched windows between columns.
  for (double cx : {210.0, 540.0, 870.0}) {
    double top = 0.18 * s.h, bottom = 0.6 * s.h, half = 95;
    cairo_move_to(cr, cx - half, bottom);
    cairo_line_to(cr, cx - half, top + half);
    cairo_arc(cr, cx, top + half, half, kPi, 2 * kPi);
    cairo_line_to(cr, cx + half, bottom);
    cairo_close_path(cr);
    FillVertical(cr, top, bottom, Mix(s.light.sky_top, s.wall, 0.3), Mix(s.light.sky_horizon, s.wall, 0.3));
  }
  // Floor: polished, with a carpet down the middle.
  DrawFloor(s, s.floor_y(), s.floor, false);
  cairo_move_to(cr, 470, s.floor_y());
  cairo_line_to(cr, 610, s.floor_y());
  cairo_line_to(cr, 860, s.h);
  cairo_line_to(cr, 220, s.h);
  cairo_close_path(cr);
  FillVertical(cr, s.floor_y(), s.h, s.light.Set({0.62, 0.10, 0.14}), s.light.Set({0.40, 0.05, 0.08}));
  // Columns.
  Rgb stone = Lighter(s.wall, 0.45);
  for (double cx : {45.0, 375.0, 705.0, 1035.0}) {
    double top = 0.06 * s.h, bottom = s.floor_y();
    cairo_rectangle(cr, cx - 40, top, 80, bottom - top);
    PatternPtr round(cairo_pattern_create_linear(cx - 40, 0, cx + 40, 0));
    cairo_pattern_add_color_stop_rgb(round.get(), 0, stone.r * 0.7, stone.g * 0.7, stone.b * 0.7);
    cairo_pattern_add_color_stop_rgb(round.get(), 0.35, stone.r, stone.g, stone.b);
    cairo_pattern_add_color_stop_rgb(round.get(), 1, stone.r * 0.55, stone.g * 0.55, stone.b * 0.55);
    cairo_set_source(cr, round.get());
    cairo_fill(cr);
    FillRect(cr, cx - 54, top - 20, 108, 24, stone);
    FillRect(cr, cx - 54, bottom - 24, 108, 24, Darker(stone, 0.1));
  }
  // Chandelier.
  double cx = s.w / 2, cy = 0.13 * s.h;
  cairo_set_line_width(cr, 3);
  SetColor(cr, Darker(s.accent, 0.3));
  cairo_move_to(cr, cx, 0);
  cairo_line_to(cr, cx, cy - 40);
  cairo_stroke(cr);
  Glow(cr, cx, cy, 300, s.light.window_light, s.light.night() ? 0.5 : 0.3);
  for (int tier = 0; tier < 3; ++tier) {
    double rx = 150 - tier * 45, y = cy - 20 + tier * 40;
    EllipsePath(cr, cx, y, rx, rx * 0.18);
    SetColor(cr, s.accent);
    cairo_set_line_width(cr, 5);
    cairo_stroke(cr);
    for (int i = 0; i < 9 - tier * 2; ++i) {
      double a = kPi * (i + 0.5) / (9 - tier * 2);
      cairo_arc(cr, cx - std::cos(a) * rx, y + std::sin(a) * rx * 0.18, 9, 0, 2 * kPi);
      cairo_set_source_rgb(cr, 1, 0.95, 0.78);
      cairo_fill(cr);
    }
  }
}

void DrawCurtainedWindow(const SetContext& s, double x, double y, double w, double h, Rgb curtain) {
  cairo_t* cr = s.cr;
  DrawCityWindow(s, x, y, w, h, 1);
  for (int side : {-1, 1}) {
    double cx = side < 0 ? x - 30 : x + w + 30;
    cairo_move_to(cr, cx - 50, y - 30);
    cairo_line_to(cr, cx + 50, y - 30);
    cairo_curve_to(cr, cx + 40 - side * 40, y + h * 0.5, cx + 60, y + h * 0.8, cx + 50, y + h + 40);
    cairo_line_to(cr, cx - 50, y + h + 40);
    cairo_curve_to(cr, cx - 60, y + h * 0.8, cx - 40 - side * 40, y + h * 0.5, cx - 50, y - 30);
    cairo_close_path(cr);
    FillAndOutline(cr, curtain, 3);
  }
  FillRect(cr, x - 100, y - 40, w + 200, 12, Darker(curtain, 0.5));
}

void DrawHome(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  FillRect(cr, 0, 0.52 * s.h, s.w, 0.18 * s.h, Darker(s.wall, 0.12));  // wainscot
  FillRect(cr, 0, 0.52 * s.h, s.w, 8, Lighter(s.wall, 0.2));
  DrawCurtainedWindow(s, 110, 0.14 * s.h, 330, 0.3 * s.h, Mix(s.accent, s.wall, 0.3));
  // A framed picture.
  cairo_rectangle(cr, 640, 0.22 * s.h, 260, 180);
  FillAndOutline(cr, Darker(s.accent, 0.2), 4);
  cairo_rectangle(cr, 656, 0.22 * s.h + 16, 228, 148);
  FillVertical(cr, 0.22 * s.h, 0.22 * s.h + 160, s.light.Set({0.55, 0.7, 0.85}), s.light.Set({0.45, 0.6, 0.35}));
  DrawFloor(s, s.floor_y(), s.floor, true);
  // Sofa along the wall.
  Rgb fabric = s.accent;
  double base = s.floor_y() + 0.02 * s.h;
  RoundRectPath(cr, 420, base - 250, 560, 150, 30);
  FillAndOutline(cr, Darker(fabric, 0.1), 3);
  RoundRectPath(cr, 400, base - 130, 600, 110, 24);
  FillAndOutline(cr, fabric, 3);
  RoundRectPath(cr, 380, base - 190, 70, 170, 26);
  FillAndOutline(cr, Darker(fabric, 0.05), 3);
  RoundRectPath(cr, 950, base - 190, 70, 170, 26);
  FillAndOutline(cr, Darker(fabric, 0.05), 3);
  RoundRectPath(cr, 500, base - 215, 120, 90, 20);
  FillAndOutline(cr, Lighter(fabric, 0.35), 3);
  DrawLamp(s, 1030, base, 0.2 * s.h);
}

void DrawHospital(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  FillRect(cr, 0, 0.46 * s.h, s.w, 26, s.accent);
  // Window with blinds.
  double wx = 560, wy = 0.12 * s.h, ww = 420, wh = 0.26 * s.h;
  DrawCityWindow(s, wx, wy, ww, wh, 1);
  for (double y = wy + 8; y < wy + wh * 0.55; y += 16) FillRect(cr, wx, y, ww, 9, Lighter(s.wall, 0.3), 0.9);
  DrawFloor(s, s.floor_y(), s.floor, false);
  // Monitor on an arm.
  RoundRectPath(cr, 140, 0.22 * s.h, 200, 140, 10);
  FillAndOutline(cr, {0.1, 0.12, 0.13}, 3);
  cairo_set_line_width(cr, 4);
  cairo_set_source_rgb(cr, 0.3, 0.95, 0.55);
  cairo_move_to(cr, 155, 0.22 * s.h + 80);
  for (int i = 0; i < 6; ++i) {
    double x = 155 + i * 30;
    cairo_line_to(cr, x + 10, 0.22 * s.h + 80);
    cairo_line_to(cr, x + 15, 0.22 * s.h + 40);
    cairo_line_to(cr, x + 20, 0.22 * s.h + 110);
    cairo_line_to(cr, x + 25, 0.22 * s.h + 80);
  }
  cairo_stroke(cr);
  // Bed: frame, mattress, sheet, pillow.
  double base = s.floor_y() + 0.05 * s.h;
  Rgb metal = s.light.Set({0.7, 0.74, 0.78});
  FillRect(cr, 380, base - 300, 16, 300, metal);
  FillRect(cr, 1000, base - 200, 16, 200, metal);
  RoundRectPath(cr, 380, base - 190, 660, 70, 12);
  FillAndOutline(cr, s.light.Set({0.93, 0.95, 0.97}), 3);
  RoundRectPath(cr, 420, base - 235, 170, 60, 26);
  FillAndOutline(cr, s.light.Set({1, 1, 1}), 3);
  RoundRectPath(cr, 560, base - 215, 470, 60, 20);
  FillAndOutline(cr, Lighter(s.accent, 0.3), 3);
  // IV stand.
  FillRect(cr, 300, base - 0.3 * s.h, 6, 0.3 * s.h, metal);
  RoundRectPath(cr, 280, base - 0.3 * s.h, 46, 70, 10);
  FillAndOutline(cr, s.light.Set({0.85, 0.93, 0.98}), 3);
}

void DrawRooftop(const SetContext& s) {
  cairo_t* cr = s.cr;
  double horizon = 0.62 * s.h;
  DrawSky(s, 0, 0, s.w, horizon);
  Rgb far = s.light.night() ? Rgb{0.09, 0.10, 0.19} : Mix(s.light.sky_horizon, {0.35, 0.40, 0.52}, 0.55);
  Rgb near = s.light.night() ? Rgb{0.05, 0.06, 0.12} : Mix(s.light.sky_horizon, {0.22, 0.26, 0.34}, 0.75);
  DrawSkyline(s, 0, s.w, horizon, 0.08 * s.h, 0.3 * s.h, far, 1.0, "roof-far");
  DrawSkyline(s, 0, s.w, horizon, 0.04 * s.h, 0.16 * s.h, near, 1.4, "roof-near");
  DrawFloor(s, horizon + 0.04 * s.h, s.floor, false);
  // Parapet and railing.
  FillRect(cr, 0, horizon, s.w, 0.045 * s.h, Darker(s.wall, 0.1));
  Rgb rail = s.light.Set({0.55, 0.58, 0.62});
  for (double x = 20; x < s.w; x += 90) FillRect(cr, x, horizon - 0.06 * s.h, 8, 0.06 * s.h, rail);
  FillRect(cr, 0, horizon - 0.062 * s.h, s.w, 10, rail);
  FillRect(cr, 0, horizon - 0.03 * s.h, s.w, 6, rail);
  // String lights at night.
  if (s.light.night() || s.light.time == TimeOfDay::kDusk) {
    cairo_set_line_width(cr, 2);
    cairo_set_source_rgba(cr, 0.1, 0.1, 0.1, 0.8);
    cairo_move_to(cr, 0, 0.3 * s.h);
    cairo_curve_to(cr, 300, 0.36 * s.h, 780, 0.36 * s.h, s.w, 0.3 * s.h);
    cairo_stroke(cr);
    for (int i = 1; i < 14; ++i) {
      double t = i / 14.0;
      double x = s.w * t;
      double y = 0.3 * s.h + 4 * t * (1 - t) * 0.045 * s.h + 6;
      Glow(cr, x, y, 26, s.light.window_light, 0.6);
      cairo_arc(cr, x, y, 6, 0, 2 * kPi);
      cairo_set_source_rgb(cr, 1, 0.92, 0.7);
      cairo_fill(cr);
    }
  }
  // Water tank.
  RoundRectPath(cr, 820, horizon - 0.16 * s.h, 180, 0.13 * s.h, 14);
  FillAndOutline(cr, Mix(s.wall, s.accent, 0.15), 3);
}

void DrawRestaurant(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  for (double x = 60; x < s.w; x += 240) {
    RoundRectPath(cr, x, 0.12 * s.h, 180, 0.5 * s.h, 10);
    SetColor(cr, Lighter(s.wall, 0.08));
    cairo_fill(cr);
  }
  DrawFloor(s, s.floor_y(), s.floor, true);
  // Pendant lamps.
  for (double x : {220.0, 540.0, 860.0}) {
    double y = 0.2 * s.h;
    cairo_set_line_width(cr, 3);
    cairo_set_source_rgba(cr, 0.1, 0.1, 0.1, 0.9);
    cairo_move_to(cr, x, 0);
    cairo_line_to(cr, x, y);
    cairo_stroke(cr);
    Glow(cr, x, y + 40, 220, s.light.window_light, 0.4);
    cairo_move_to(cr, x - 70, y + 50);
    cairo_curve_to(cr, x - 60, y - 10, x + 60, y - 10, x + 70, y + 50);
    cairo_close_path(cr);
    FillAndOutline(cr, s.accent, 3);
  }
  // Tables with cloths and candles.
  for (double x : {230.0, 850.0}) {
    double top = s.floor_y() - 0.01 * s.h;
    EllipsePath(cr, x, top, 170, 26);
    FillAndOutline(cr, s.light.Set({0.95, 0.94, 0.9}), 3);
    cairo_move_to(cr, x - 170, top);
    cairo_line_to(cr, x - 150, top + 0.08 * s.h);
    cairo_line_to(cr, x + 150, top + 0.08 * s.h);
    cairo_line_to(cr, x + 170, top);
    cairo_close_path(cr);
    FillAndOutline(cr, s.light.Set({0.9, 0.88, 0.84}), 3);
    FillRect(cr, x - 5, top - 46, 10, 40, {0.96, 0.94, 0.86});
    Glow(cr, x, top - 54, 40, {1, 0.8, 0.4}, 0.8);
  }
}

void DrawCar(const SetContext& s) {
  cairo_t* cr = s.cr;
  RectVertical(cr, 0, 0, s.w, s.h, Lighter(s.wall, 0.05), Darker(s.wall, 0.3));
  // Side window with the city sliding past.
  double x = 60, y = 0.12 * s.h, w = s.w - 120, h = 0.36 * s.h;
  {
    SavedState saved(cr);
    RoundRectPath(cr, x, y, w, h, 60);
    cairo_clip(cr);
    DrawSky(s, x, y, w, h);
    Rgb far = s.light.night() ? Rgb{0.08, 0.09, 0.17} : Mix(s.light.sky_horizon, {0.3, 0.36, 0.48}, 0.6);
    DrawSkyline(s, x, x + w, y + h, h * 0.3, h * 0.8, far, 1.1, "car-city");
    Rng rng = s.rng->Fork("bokeh");
    for (int i = 0; i < 26; ++i) {
      double bx = x + rng.Unit() * w, by = y + h * (0.45 + rng.Unit() * 0.5);
      Rgb c = rng.Chance(0.5) ? s.light.window_light : Rgb{0.95, 0.35, 0.3};
      Glow(cr, bx, by, 22 + rng.Unit() * 30, c, s.light.night() ? 0.7 : 0.2);
    }
  }
  RoundRectPath(cr, x, y, w, h, 60);
  SetColor(cr, Darker(s.wall, 0.4));
  cairo_set_line_width(cr, 22);
  cairo_stroke(cr);
  FillRect(cr, s.w * 0.5 - 12, y, 24, h, Darker(s.wall, 0.4));  // pillar
  // Seats.
  Rgb leather = s.accent;
  for (double cx : {280.0, 800.0}) {
    RoundRectPath(cr, cx - 190, 0.5 * s.h, 380, 0.5 * s.h, 70);
    FillAndOutline(cr, Darker(leather, 0.35), 4);
    RoundRectPath(cr, cx - 90, 0.44 * s.h, 180, 0.1 * s.h, 40);
    FillAndOutline(cr, Darker(leather, 0.25), 4);
  }
}

void DrawTree(const SetContext& s, double x, double base, double size, Rgb leaf) {
  cairo_t* cr = s.cr;
  FillRect(cr, x - size * 0.07, base - size * 1.1, size * 0.14, size * 1.1, s.light.Set({0.35, 0.25, 0.18}));
  for (int i = 0; i < 7; ++i) {
    double a = i * 2 * kPi / 7;
    double cx = x + std::cos(a) * size * 0.32, cy = base - size * 1.25 + std::sin(a) * size * 0.25;
    cairo_arc(cr, cx, cy, size * (0.3 + 0.06 * (i % 3)), 0, 2 * kPi);
    SetColor(cr, Mix(leaf, Darker(leaf, 0.35), (i % 3) / 2.0));
    cairo_fill(cr);
  }
  cairo_arc(cr, x - size * 0.1, base - size * 1.35, size * 0.3, 0, 2 * kPi);
  SetColor(cr, Lighter(leaf, 0.12));
  cairo_fill(cr);
}

void DrawGarden(const SetContext& s) {
  cairo_t* cr = s.cr;
  double horizon = 0.56 * s.h;
  DrawSky(s, 0, 0, s.w, horizon + 2);
  Rgb leaf = s.wall;
  Rgb far_leaf = Mix(leaf, s.light.sky_horizon, 0.45);
  for (double x = -40; x < s.w + 80; x += 150) DrawTree(s, x, horizon + 10, 150, far_leaf);
  RectVertical(cr, 0, horizon, s.w, s.h - horizon, Lighter(leaf, 0.15), Darker(leaf, 0.3));
  // Hedge.
  for (double x = 0; x < s.w + 60; x += 70) {
    cairo_arc(cr, x, horizon + 0.01 * s.h, 55, kPi, 2 * kPi);
    SetColor(cr, Darker(leaf, 0.2));
    cairo_fill(cr);
  }
  FillRect(cr, 0, horizon + 0.01 * s.h, s.w, 0.04 * s.h, Darker(leaf, 0.2));
  // Stone path.
  cairo_move_to(cr, 500, horizon + 0.05 * s.h);
  cairo_line_to(cr, 580, horizon + 0.05 * s.h);
  cairo_line_to(cr, 780, s.h);
  cairo_line_to(cr, 300, s.h);
  cairo_close_path(cr);
  FillVertical(cr, horizon, s.h, Lighter(s.floor, 0.2), Darker(s.floor, 0.15));
  // Flowers in the accent colour.
  Rng rng = s.rng->Fork("flowers");
  for (int i = 0; i < 70; ++i) {
    double fx = rng.Unit() * s.w, fy = horizon + 0.05 * s.h + rng.Unit() * 0.4 * s.h;
    if (std::abs(fx - 540) < 150 + (fy - horizon) * 0.35) continue;
    cairo_arc(cr, fx, fy, 5 + (fy - horizon) * 0.02, 0, 2 * kPi);
    SetColor(cr, rng.Chance(0.5) ? s.accent : Lighter(s.accent, 0.4));
    cairo_fill(cr);
  }
  DrawTree(s, 90, 0.82 * s.h, 330, leaf);
  if (s.light.night() || s.light.time == TimeOfDay::kDusk) DrawStreetLamp(s, 900, 0.72 * s.h, 0.25 * s.h);
}

void DrawBedroom(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  DrawCurtainedWindow(s, 120, 0.12 * s.h, 280, 0.32 * s.h, Darker(s.wall, 0.25));
  DrawFloor(s, s.floor_y(), s.floor, true);
  double base = s.floor_y() + 0.06 * s.h;
  // Headboard, mattress, duvet, pillows.
  RoundRectPath(cr, 470, base - 0.22 * s.h, 520, 0.17 * s.h, 40);
  FillAndOutline(cr, Darker(s.accent, 0.35), 4);
  RoundRectPath(cr, 450, base - 0.09 * s.h, 560, 0.09 * s.h, 16);
  FillAndOutline(cr, s.light.Set({0.95, 0.95, 0.95}), 3);
  RoundRectPath(cr, 520, base - 0.13 * s.h, 180, 0.05 * s.h, 24);
  FillAndOutline(cr, s.light.Set({1, 1, 1}), 3);
  RoundRectPath(cr, 760, base - 0.13 * s.h, 180, 0.05 * s.h, 24);
  FillAndOutline(cr, s.light.Set({1, 1, 1}), 3);
  RoundRectPath(cr, 450, base - 0.08 * s.h, 560, 0.08 * s.h, 16);
  FillAndOutline(cr, s.accent, 3);
  // Nightstand with a lamp.
  cairo_rectangle(cr, 300, base - 0.09 * s.h, 130, 0.09 * s.h);
  FillAndOutline(cr, Darker(s.floor, 0.1), 3);
  double lamp_y = base - 0.09 * s.h;
  cairo_move_to(cr, 330, lamp_y - 90);
  cairo_line_to(cr, 400, lamp_y - 90);
  cairo_line_to(cr, 415, lamp_y - 30);
  cairo_line_to(cr, 315, lamp_y - 30);
  cairo_close_path(cr);
  FillAndOutline(cr, s.light.night() ? Rgb{1, 0.88, 0.62} : Lighter(s.accent, 0.4), 3);
  FillRect(cr, 360, lamp_y - 30, 10, 30, Darker(s.accent, 0.4));
  if (s.light.night()) Glow(cr, 365, lamp_y - 60, 240, s.light.window_light, 0.4);
}

void DrawOtherRoom(const SetContext& s) {
  cairo_t* cr = s.cr;
  DrawWall(s);
  DrawCityWindow(s, 600, 0.16 * s.h, 340, 0.28 * s.h, 1);
  DrawFloor(s, s.floor_y(), s.floor, true);
  // Door.
  cairo_rectangle(cr, 150, 0.3 * s.h, 250, s.floor_y() - 0.3 * s.h);
  FillAndOutline(cr, Mix(s.accent, s.wall, 0.3), 4);
  cairo_rectangle(cr, 180, 0.33 * s.h, 190, 0.14 * s.h);
  SetColor(cr, Darker(Mix(s.accent, s.wall, 0.3), 0.15));
  cairo_fill(cr);
  cairo_arc(cr, 370, 0.52 * s.h, 10, 0, 2 * kPi);
  SetColor(cr, Lighter(s.accent, 0.4));
  cairo_fill(cr);
}

void DrawSet(const SetContext& s, SetKind kind) {
  // Outside a building the camera sees the street in front of it.
  bool building = kind != SetKind::kStreet && kind != SetKind::kRooftop && kind != SetKind::kGarden &&
                  kind != SetKind::kCar;
  if (!s.interior && building) kind = SetKind::kStreet;
  switch (kind) {
    case SetKind::kOffice: return DrawOffice(s);
    case SetKind::kStreet: return DrawStreet(s);
    case SetKind::kHall: return DrawHall(s);
    case SetKind::kHome: return DrawHome(s);
    case SetKind::kHospital: return DrawHospital(s);
    case SetKind::kRooftop: return DrawRooftop(s);
    case SetKind::kRestaurant: return DrawRestaurant(s);
    case SetKind::kCar: return DrawCar(s);
    case SetKind::kGarden: return DrawGarden(s);
    case SetKind::kBedroom: return DrawBedroom(s);
    case SetKind::kOther: return DrawOtherRoom(s);
  }
}

// ---------------------------------------------------------------------------------------------
// Figures. A figure is 1000 units tall at scale 1, feet at y = 0, top of the head at y = -1000;
// eyes at -918, chin at -840, shoulders at -805, waist at -540, hips at -470, knees at -270.

enum class HairStyle { kShort, kLong, kBob, kPonytail, kBun, kCurly, kBald };
enum class Outfit { kSuit, kBlouse, kDress, kGown, kCoat, kWhiteCoat, kRobe, kCasual };

struct FigureLook {
  Rgb skin, hair, clothes, accent, trousers, eyes;
  HairStyle hair_style = HairStyle::kShort;
  Outfit outfit = Outfit::kSuit;
  bool female = false;
  bool glasses = false;
  bool beard = false;
  bool stubble = false;  // a shadow of a beard
  bool earrings = false;
  bool speaking = false;
  double mouth = 0;    // openness 0 … 1
  double facing = 0;   // -1 turned to screen left … +1 to screen right
  double smile = 0;    // -1 frown … +1 smile
  double knit = 0;     // 0 … 1 brows drawn down at the nose (anger)
  double sorrow = 0;   // 0 … 1 inner brows raised (grief)
  double raise = 0;    // 0 … 1 brows raised (elation)
  int age = 30;
  double height = 1;    // scale of the whole figure
  double shoulder = 116;
  double waist = 92;
  double hip = 94;
  double face_rx = 60;
};

struct ColorWord {
  std::string_view word;
  Rgb color;
};
constexpr std::array<ColorWord, 26> kHairColors{{
    {"silver", {0.80, 0.82, 0.86}}, {"白发", {0.90, 0.90, 0.88}}, {"银", {0.80, 0.82, 0.86}},
    {"platinum", {0.93, 0.89, 0.78}}, {"white", {0.92, 0.92, 0.90}}, {"grey", {0.60, 0.60, 0.62}},
    {"gray", {0.60, 0.60, 0.62}}, {"blonde", {0.88, 0.72, 0.40}}, {"blond", {0.88, 0.72, 0.40}},
    {"golden", {0.90, 0.70, 0.30}}, {"金", {0.88, 0.72, 0.40}}, {"auburn", {0.55, 0.22, 0.12}},
    {"ginger", {0.78, 0.36, 0.14}}, {"red", {0.68, 0.16, 0.12}}, {"红", {0.68, 0.16, 0.12}},
    {"pink", {0.93, 0.55, 0.70}}, {"blue", {0.25, 0.40, 0.80}}, {"purple", {0.45, 0.25, 0.60}},
    {"chestnut", {0.42, 0.24, 0.13}}, {"brown", {0.34, 0.21, 0.13}}, {"棕", {0.34, 0.21, 0.13}},
    {"black", {0.09, 0.08, 0.09}}, {"jet", {0.06, 0.06, 0.07}}, {"raven", {0.07, 0.07, 0.09}},
    {"dark", {0.12, 0.10, 0.10}}, {"黑", {0.09, 0.08, 0.09}},
}};

constexpr std::array<Rgb, 5> kSkinTones{{
    {0.97, 0.84, 0.73}, {0.94, 0.78, 0.64}, {0.88, 0.69, 0.53}, {0.72, 0.52, 0.38}, {0.52, 0.36, 0.26},
}};

// A look token about hair: "silver hair", "blonde bob", "auburn ponytail", "银发".
bool IsHairToken(std::string_view token) {
  for (std::string_view word : {"hair", "bob", "ponytail", "bun", "curls", "braid", "updo", "发", "马尾"}) {
    if (token.find(word) != std::string_view::npos) return true;
  }
  return false;
}

FigureLook MakeLook(const PanelCharacter& c, const Lighting& light) {
  FigureLook look;
  std::string gender = ToLowerAscii(Trim(c.gender));
  look.female = gender == "female" || gender == "f" || gender == "woman" || gender == "女";
  bool male = gender == "male" || gender == "m" || gender == "man" || gender == "男";
  look.age = c.age;
  look.speaking = c.speaking;
  look.mouth = c.mouth >= 0 ? std::min(c.mouth, 1.0) : (c.speaking ? 0.6 : 0);
  uint64_t hash = StableHash64(c.id.empty() ? c.name : c.id);

  std::string all;
  for (const std::string& token : c.look) all += ToLowerAscii(token) + " | ";
  auto has = [&](std::string_view word) { return all.find(word) != std::string::npos; };

  // Hair colour: a colour word inside a hair token; otherwise natural dark shades, grey with age.
  std::optional<Rgb> hair;
  for (const std::string& token : c.look) {
    std::string lower = ToLowerAscii(token);
    if (!IsHairToken(lower)) continue;
    for (const ColorWord& word : kHairColors) {
      if (lower.find(word.word) != std::string::npos) {
        hair = word.color;
        break;
      }
    }
    if (hair) break;
  }
  if (!hair) {
    constexpr std::array<Rgb, 4> kNatural{{{0.09, 0.08, 0.09}, {0.16, 0.11, 0.09}, {0.26, 0.17, 0.11}, {0.13, 0.10, 0.10}}};
    hair = c.age >= 58 ? Rgb{0.72, 0.72, 0.74} : kNatural[hash % kNatural.size()];
  }

  // Hair shape.
  if (has("bald") || has("光头")) look.hair_style = HairStyle::kBald;
  else if (has("ponytail") || has("马尾")) look.hair_style = HairStyle::kPonytail;
  else if (has("bun") || has("updo") || has("发髻")) look.hair_style = HairStyle::kBun;
  else if (has("bob")) look.hair_style = HairStyle::kBob;
  else if (has("curly") || has("curls") || has("卷")) look.hair_style = HairStyle::kCurly;
  else if (has("long") || has("长发")) look.hair_style = HairStyle::kLong;
  else if (has("short") || has("crew cut") || has("buzz") || has("短发")) look.hair_style = HairStyle::kShort;
  else look.hair_style = look.female ? HairStyle::kLong : (male ? HairStyle::kShort : HairStyle::kBob);

  // Outfit.
  if (has("white coat") || has("lab coat") || has("doctor") || has("scrubs") || has("白大褂")) look.outfit = Outfit::kWhiteCoat;
  else if (has("hanfu") || has("robe") || has("汉服") || has("古装") || has("长袍")) look.outfit = Outfit::kRobe;
  else if (has("gown") || has("qipao") || has("cheongsam") || has("旗袍") || has("long dress")) look.outfit = Outfit::kGown;
  else if (has("dress") || has("裙")) look.outfit = Outfit::kDress;
  else if (has("trench") || has("overcoat") || has("coat") || has("风衣") || has("大衣")) look.outfit = Outfit::kCoat;
  else if (has("suit") || has("blazer") || has("tuxedo") || has("西装")) look.outfit = Outfit::kSuit;
  else if (has("hoodie") || has("t-shirt") || has("sweater") || has("jeans") || has("casual") || has("jacket") ||
           has("卫衣"))
    look.outfit = Outfit::kCasual;
  else look.outfit = look.female ? Outfit::kBlouse : (male ? Outfit::kSuit : Outfit::kCasual);

  look.glasses = has("glasses") || has("spectacles") || has("眼镜");
  look.beard = has("beard") || has("stubble") || has("goatee") || has("胡");
  look.stubble = has("stubble") && !has("beard");
  look.earrings = has("earring") || has("pearl") || has("耳环");

  Rgb skin = kSkinTones[hash % 3];
  if (has("pale") || has("fair")) skin = kSkinTones[0];
  if (has("tan")) skin = kSkinTones[3];
  if (has("dark skin") || has("brown skin") || has("deep skin")) skin = kSkinTones[4];
  Rgb eyes{0.24, 0.15, 0.10};
  if (has("blue eyes")) eyes = {0.22, 0.45, 0.75};
  if (has("green eyes")) eyes = {0.22, 0.55, 0.35};
  if (has("grey eyes") || has("gray eyes")) eyes = {0.45, 0.5, 0.55};
  if (has("amber eyes") || has("golden eyes")) eyes = {0.75, 0.5, 0.15};

  constexpr std::array<Rgb, 4> kClothes{{{0.15, 0.18, 0.28}, {0.45, 0.12, 0.16}, {0.2, 0.35, 0.3}, {0.35, 0.3, 0.4}}};
  Rgb clothes = PaletteAt(c.palette, 0, kClothes[(hash >> 8) % kClothes.size()]);
  Rgb accent = PaletteAt(c.palette, 1, Luma(clothes) > 0.5 ? Darker(clothes, 0.5) : Lighter(clothes, 0.55));

  look.skin = light.Figure(skin);
  look.hair = light.Figure(*hair);
  look.clothes = light.Figure(clothes);
  look.accent = light.Figure(accent);
  look.eyes = eyes;
  bool dark_suit = look.outfit == Outfit::kSuit || look.outfit == Outfit::kCoat;
  look.trousers = dark_suit ? Darker(look.clothes, 0.25) : light.Figure({0.16, 0.17, 0.22});
  if (look.outfit == Outfit::kWhiteCoat) look.trousers = Darker(look.clothes, 0.3);

  double height = look.female ? 0.95 : (male ? 1.0 : 0.97);
  if (c.age < 13) height = 0.68;
  else if (c.age < 17) height *= 0.92;
  look.height = height;
  if (look.female) {
    look.shoulder = 98;
    look.waist = 70;
    look.hip = 92;
    look.face_rx = 56;
  } else if (!male) {
    look.shoulder = 106;
    look.waist = 82;
    look.hip = 92;
    look.face_rx = 58;
  }
  return look;
}

class FigurePainter {
 public:
  // `line_width` is the outline width in figure units (about 2.5 screen pixels).
  FigurePainter(cairo_t* cr, const FigureLook& look, double line_width) : cr_(cr), look_(look), lw_(line_width) {}

  void Paint() {
    BackHair();
    Legs();
    Neck();
    if (look_.outfit == Outfit::kRobe) {
      Robe();
    } else {
      Torso();
      Arms();
    }
    Head();
    Face();
    FrontHair();
    if (look_.glasses) Glasses();
  }

 private:
  // Light comes from the upper left: a soft shade across the current clip, darker to the right.
  void ShadeRight(double x0, double x1, double alpha) {
    PatternPtr shade(cairo_pattern_create_linear(x0, 0, x1, 0));
    cairo_pattern_add_color_stop_rgba(shade.get(), 0, 1, 1, 1, alpha * 0.5);
    cairo_pattern_add_color_stop_rgba(shade.get(), 0.45, 0, 0, 0, 0);
    cairo_pattern_add_color_stop_rgba(shade.get(), 1, 0, 0, 0.05, alpha);
    cairo_set_source(cr_, shade.get());
    cairo_paint(cr_);
  }

  void Fill(Rgb c) { FillAndOutline(cr_, c, lw_); }

  void TorsoPath(double bottom, double bottom_half_width) {
    double sw = look_.shoulder, wa = look_.waist;
    cairo_move_to(cr_, -30, -826);
    cairo_line_to(cr_, -sw + 26, -814);
    cairo_curve_to(cr_, -sw - 2, -808, -sw - 8, -786, -sw - 6, -752);
    cairo_curve_to(cr_, -sw - 2, -680, -wa - 6, -600, -wa, -540);
    cairo_curve_to(cr_, -wa - 4, -520, -bottom_half_width, bottom + 40, -bottom_half_width, bottom);
    cairo_line_to(cr_, bottom_half_width, bottom);
    cairo_curve_to(cr_, bottom_half_width, bottom + 40, wa + 4, -520, wa, -540);
    cairo_curve_to(cr_, wa + 6, -600, sw + 2, -680, sw + 6, -752);
    cairo_curve_to(cr_, sw + 8, -786, sw + 2, -808, sw - 26, -814);
    cairo_line_to(cr_, 30, -826);
    cairo_close_path(cr_);
  }

  void BackHair() {
    double rx = look_.face_rx;
    Rgb hair = Darker(look_.hair, 0.12);
    switch (look_.hair_style) {
      case HairStyle::kLong:
        cairo_move_to(cr_, -rx - 12, -930);
        cairo_curve_to(cr_, -rx - 16, -1018, rx + 16, -1018, rx + 12, -930);
        cairo_curve_to(cr_, rx + 24, -850, rx + 34, -760, rx + 26, -700);
        cairo_curve_to(cr_, rx, -690, -rx, -690, -rx - 26, -700);
        cairo_curve_to(cr_, -rx - 34, -760, -rx - 24, -850, -rx - 12, -930);
        cairo_close_path(cr_);
        Fill(hair);
        break;
      case HairStyle::kBob:
        cairo_move_to(cr_, -rx - 14, -930);
        cairo_curve_to(cr_, -rx - 18, -1016, rx + 18, -1016, rx + 14, -930);
        cairo_curve_to(cr_, rx + 18, -880, rx + 20, -850, rx + 12, -838);
        cairo_line_to(cr_, -rx - 12, -838);
        cairo_curve_to(cr_, -rx - 20, -850, -rx - 18, -880, -rx - 14, -930);
        cairo_close_path(cr_);
        Fill(hair);
        break;
      case HairStyle::kPonytail:
        cairo_move_to(cr_, rx - 14, -975);
        cairo_curve_to(cr_, rx + 50, -985, rx + 50, -880, rx + 30, -790);
        cairo_curve_to(cr_, rx + 20, -770, rx + 4, -790, rx + 8, -820);
        cairo_curve_to(cr_, rx + 18, -880, rx + 6, -930, rx - 24, -950);
        cairo_close_path(cr_);
        Fill(hair);
        break;
      case HairStyle::kCurly:
        for (int i = 0; i < 14; ++i) {
          double a = kPi * (0.95 + i * 1.1 / 13);
          cairo_new_sub_path(cr_);
          cairo_arc(cr_, std::cos(a) * (rx + 18), -925 + std::sin(a) * 80 + (i % 2) * 6, 24, 0, 2 * kPi);
        }
        Fill(hair);
        break;
      case HairStyle::kShort:
      case HairStyle::kBun:
      case HairStyle::kBald:
        break;
    }
  }

  void Legs() {
    bool skirt = look_.outfit == Outfit::kBlouse || look_.outfit == Outfit::kDress;
    Rgb legs = skirt ? look_.skin : look_.trousers;
    double hip = look_.hip;
    for (int side : {-1, 1}) {
      double thin = skirt ? 0.72 : 1.0;
      cairo_move_to(cr_, side * (hip - 4) * thin, -490);
      cairo_curve_to(cr_, side * (hip - 2) * thin, -300, side * 70 * thin, -150, side * 62 * thin, -26);
      cairo_line_to(cr_, side * 14, -26);
      cairo_curve_to(cr_, side * 12, -150, side * 6, -330, side * 4, -490);
      cairo_close_path(cr_);
      Fill(legs);
      EllipsePath(cr_, side * 40, -14, 38, 16);
      Fill(Mix(look_.trousers, {0.05, 0.05, 0.06}, 0.6));
    }
    if (look_.outfit == Outfit::kBlouse) {
      // Skirt to the knee.
      cairo_move_to(cr_, -look_.waist - 4, -545);
      cairo_line_to(cr_, look_.waist + 4, -545);
      cairo_line_to(cr_, look_.hip + 38, -300);
      cairo_line_to(cr_, -look_.hip - 38, -300);
      cairo_close_path(cr_);
      Fill(look_.trousers);
    }
  }

  void Neck() {
    cairo_rectangle(cr_, -22, -870, 44, 70);
    Fill(Darker(look_.skin, 0.1));
  }

  void Torso() {
    Rgb clothes = look_.outfit == Outfit::kWhiteCoat ? Rgb{0.93, 0.94, 0.95} : look_.clothes;
    double bottom = -470, bottom_w = look_.hip;
    switch (look_.outfit) {
      case Outfit::kDress: bottom = -300; bottom_w = look_.hip + 42; break;
      case Outfit::kGown: bottom = -24; bottom_w = look_.hip + 60; break;
      case Outfit::kCoat:
      case Outfit::kWhiteCoat: bottom = -300; bottom_w = look_.hip + 26; break;
      default: break;
    }
    TorsoPath(bottom, bottom_w);
    {
      SavedState saved(cr_);
      SetColor(cr_, clothes);
      cairo_fill_preserve(cr_);
      cairo_clip_preserve(cr_);
      ShadeRight(-look_.shoulder, look_.shoulder, 0.3);
    }
    SetColor(cr_, Darker(clothes, 0.45));
    cairo_set_line_width(cr_, lw_);
    cairo_stroke(cr_);
    Neckline(clothes, bottom);
  }

  void Neckline(Rgb clothes, double bottom) {
    switch (look_.outfit) {
      case Outfit::kSuit:
      case Outfit::kCoat:
      case Outfit::kWhiteCoat: {
        // Shirt in the V, tie (men) or open collar (women), lapels, belt on a coat.
        Rgb shirt = look_.outfit == Outfit::kWhiteCoat ? look_.clothes
                                                       : (look_.female ? Lighter(look_.accent, 0.35) : Rgb{0.94, 0.94, 0.93});
        cairo_move_to(cr_, -34, -826);
        cairo_line_to(cr_, 34, -826);
        cairo_line_to(cr_, 0, -660);
        cairo_close_path(cr_);
        Fill(shirt);
        if (!look_.female) {
          cairo_move_to(cr_, -11, -818);
          cairo_line_to(cr_, 11, -818);
          cairo_line_to(cr_, 7, -796);
          cairo_line_to(cr_, -7, -796);
          cairo_close_path(cr_);
          Fill(look_.accent);
          cairo_move_to(cr_, -7, -796);
          cairo_line_to(cr_, 7, -796);
          cairo_line_to(cr_, 14, -640);
          cairo_line_to(cr_, 0, -618);
          cairo_line_to(cr_, -14, -640);
          cairo_close_path(cr_);
          Fill(look_.accent);
        } else {
          EllipsePath(cr_, 0, -780, 7, 7);  // pendant
          Fill(look_.accent);
        }
        Rgb lapel = Darker(clothes, 0.14);
        for (int side : {-1, 1}) {
          cairo_move_to(cr_, side * 34, -826);
          cairo_line_to(cr_, side * 62, -800);
          cairo_line_to(cr_, side * 44, -760);
          cairo_line_to(cr_, side * 56, -740);
          cairo_line_to(cr_, 0, -600);
          cairo_line_to(cr_, side * 4, -660);
          cairo_close_path(cr_);
          Fill(lapel);
        }
        if (look_.outfit == Outfit::kCoat) {
          cairo_rectangle(cr_, -look_.waist - 4, -560, 2 * look_.waist + 8, 26);
          Fill(look_.accent);
          cairo_move_to(cr_, 0, -600);
          cairo_line_to(cr_, 0, bottom);
          SetColor(cr_, Darker(clothes, 0.4));
          cairo_set_line_width(cr_, lw_);
          cairo_stroke(cr_);
        }
        if (look_.outfit == Outfit::kWhiteCoat) {
          // Stethoscope.
          cairo_move_to(cr_, -40, -826);
          cairo_curve_to(cr_, -60, -700, 40, -700, 30, -640);
          SetColor(cr_, {0.15, 0.15, 0.18});
          cairo_set_line_width(cr_, 6);
          cairo_stroke(cr_);
          cairo_arc(cr_, 30, -632, 10, 0, 2 * kPi);
          Fill({0.7, 0.72, 0.75});
        }
        break;
      }
      case Outfit::kBlouse:
      case Outfit::kDress:
      case Outfit::kGown: {
        cairo_move_to(cr_, -40, -826);
        cairo_curve_to(cr_, -30, -770, 30, -770, 40, -826);
        cairo_close_path(cr_);
        Fill(look_.skin);
        cairo_move_to(cr_, -40, -826);
        cairo_curve_to(cr_, -30, -770, 30, -770, 40, -826);
        SetColor(cr_, look_.accent);
        cairo_set_line_width(cr_, 7);
        cairo_stroke(cr_);
        EllipsePath(cr_, 0, -784, 6, 6);
        Fill(look_.accent);
        if (look_.outfit != Outfit::kBlouse) {
          cairo_rectangle(cr_, -look_.waist - 2, -560, 2 * look_.waist + 4, 18);
          Fill(look_.accent);
        }
        break;
      }
      case Outfit::kCasual: {
        cairo_move_to(cr_, -32, -826);
        cairo_curve_to(cr_, -24, -795, 24, -795, 32, -826);
        SetColor(cr_, look_.accent);
        cairo_set_line_width(cr_, 10);
        cairo_stroke(cr_);
        cairo_rectangle(cr_, -look_.waist, -700, 2 * look_.waist, 22);
        SetColor(cr_, look_.accent, 0.85);
        cairo_fill(cr_);
        break;
      }
      case Outfit::kRobe: break;
    }
  }

  void Arms() {
    bool bare = look_.outfit == Outfit::kDress || look_.outfit == Outfit::kGown;
    Rgb sleeve = look_.outfit == Outfit::kWhiteCoat ? Rgb{0.9, 0.91, 0.92} : Darker(look_.clothes, 0.08);
    double sw = look_.shoulder;
    for (int side : {-1, 1}) {
      cairo_move_to(cr_, side * (sw - 6), -800);
      cairo_curve_to(cr_, side * (sw + 22), -792, side * (sw + 30), -760, side * (sw + 30), -720);
      cairo_line_to(cr_, side * (sw + 34), -500);
      cairo_line_to(cr_, side * (sw + 2), -500);
      cairo_line_to(cr_, side * (sw - 12), -700);
      cairo_close_path(cr_);
      Fill(bare ? look_.skin : sleeve);
      EllipsePath(cr_, side * (sw + 18), -478, 18, 26);
      Fill(look_.skin);
    }
  }

  void Robe() {
    // Flowing robe to the ground, wide sleeves, a sash in the accent colour.
    double sw = look_.shoulder;
    TorsoPath(-24, look_.hip + 70);
    Fill(look_.clothes);
    for (int side : {-1, 1}) {
      cairo_move_to(cr_, side * (sw - 10), -806);
      cairo_curve_to(cr_, side * (sw + 40), -780, side * (sw + 70), -600, side * (sw + 80), -460);
      cairo_line_to(cr_, side * (sw - 10), -470);
      cairo_line_to(cr_, side * (sw - 20), -700);
      cairo_close_path(cr_);
      Fill(Darker(look_.clothes, 0.1));
    }
    cairo_move_to(cr_, -40, -826);
    cairo_line_to(cr_, 30, -560);
    cairo_line_to(cr_, 40, -826);
    cairo_close_path(cr_);
    Fill(Lighter(look_.clothes, 0.35));
    cairo_rectangle(cr_, -look_.waist - 6, -580, 2 * look_.waist + 12, 44);
    Fill(look_.accent);
  }

  void FacePath() {
    double rx = look_.face_rx;
    double jaw = look_.female ? 0.36 : 0.46;
    cairo_move_to(cr_, -rx, -930);
    cairo_curve_to(cr_, -rx, -1000, rx, -1000, rx, -930);
    cairo_curve_to(cr_, rx, -884, rx * 0.8, -860, rx * jaw, -846);
    cairo_curve_to(cr_, rx * 0.18, -836, -rx * 0.18, -836, -rx * jaw, -846);
    cairo_curve_to(cr_, -rx * 0.8, -860, -rx, -884, -rx, -930);
    cairo_close_path(cr_);
  }

  void Head() {
    double rx = look_.face_rx;
    for (int side : {-1, 1}) {
      EllipsePath(cr_, side * (rx - 1), -912, 10, 17);
      Fill(Darker(look_.skin, 0.05));
      if (look_.earrings) {
        cairo_arc(cr_, side * (rx - 1), -890, 5, 0, 2 * kPi);
        Fill(look_.accent);
      }
    }
    FacePath();
    {
      SavedState saved(cr_);
      SetColor(cr_, look_.skin);
      cairo_fill_preserve(cr_);
      cairo_clip_preserve(cr_);
      ShadeRight(-rx, rx, 0.16);
    }
    SetColor(cr_, Darker(look_.skin, 0.4));
    cairo_set_line_width(cr_, lw_);
    cairo_stroke(cr_);
    if (look_.beard) {
      SavedState saved(cr_);
      FacePath();
      cairo_clip(cr_);
      cairo_move_to(cr_, -rx, -900);
      cairo_curve_to(cr_, -rx + 6, -870, -30, -876, -20, -872);
      cairo_curve_to(cr_, -10, -880, 10, -880, 20, -872);
      cairo_curve_to(cr_, 30, -876, rx - 6, -870, rx, -900);
      cairo_line_to(cr_, rx, -820);
      cairo_line_to(cr_, -rx, -820);
      cairo_close_path(cr_);
      SetColor(cr_, look_.hair, look_.stubble ? 0.3 : 0.8);
      cairo_fill(cr_);
    }
  }

  void Eye(int side) {
    double x = side * 24, y = -918;
    double w = look_.female ? 14 : 13;
    double inner = x - side * w, outer = x + side * w;  // corners: toward the nose, toward the ear
    auto eye_path = [&] {
      cairo_move_to(cr_, inner, y);
      cairo_curve_to(cr_, x - side * w * 0.5, y - 9, x + side * w * 0.5, y - 9, outer, y - 1);
      cairo_curve_to(cr_, x + side * w * 0.5, y + 6, x - side * w * 0.5, y + 6, inner, y);
      cairo_close_path(cr_);
    };
    eye_path();
    cairo_set_source_rgb(cr_, 0.97, 0.97, 0.96);
    cairo_fill(cr_);
    {
      SavedState saved(cr_);
      eye_path();
      cairo_clip(cr_);
      cairo_arc(cr_, x, y - 1, 6.6, 0, 2 * kPi);
      SetColor(cr_, look_.eyes);
      cairo_fill(cr_);
      cairo_arc(cr_, x, y - 1, 3.2, 0, 2 * kPi);
      cairo_set_source_rgb(cr_, 0.03, 0.03, 0.04);
      cairo_fill(cr_);
      cairo_arc(cr_, x + 2.2, y - 3.2, 1.7, 0, 2 * kPi);
      cairo_set_source_rgb(cr_, 1, 1, 1);
      cairo_fill(cr_);
    }
    // Upper lid (with a lash flick at the outer corner for women), lower lid hint.
    Rgb lid = Mix(look_.hair, {0.05, 0.04, 0.04}, 0.7);
    cairo_move_to(cr_, inner - side * 1, y + 0.5);
    cairo_curve_to(cr_, x - side * w * 0.5, y - 9.5, x + side * w * 0.5, y - 9.5, outer + side * 1, y - 1);
    if (look_.female) cairo_line_to(cr_, outer + side * 5, y - 5);
    SetColor(cr_, lid);
    cairo_set_line_width(cr_, look_.female ? 3.0 : 2.4);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr_);
    cairo_move_to(cr_, x - w * 0.7, y + 4.5);
    cairo_curve_to(cr_, x - w * 0.3, y + 6.5, x + w * 0.3, y + 6.5, x + w * 0.7, y + 4.5);
    SetColor(cr_, Darker(look_.skin, 0.35), 0.6);
    cairo_set_line_width(cr_, 1.0);
    cairo_stroke(cr_);
    // Brow: heavier for men, arched for women; a little raised while speaking. Emotion moves the
    // ends: anger pulls the inner end down, grief lifts it, elation lifts the whole brow.
    double lift = (look_.speaking ? 2.5 : 0) + 5 * look_.raise;
    double inner_y = y - 15 - lift + 8 * look_.knit - 7 * look_.sorrow;
    double outer_y = y - 16 - lift - 2 * look_.knit + 4 * look_.sorrow;
    double brow_outer = outer + side * 3;
    Rgb brow = Mix(look_.hair, {0.1, 0.08, 0.07}, Luma(look_.hair) > 0.5 ? 0.45 : 0.1);
    cairo_move_to(cr_, inner, inner_y);
    cairo_curve_to(cr_, x - side * 2, (inner_y + outer_y) / 2 - 6.5 - lift * 0.3 - (look_.female ? 3 : 0), x + side * 8,
                   outer_y - 6, brow_outer, outer_y);
    SetColor(cr_, brow);
    cairo_set_line_width(cr_, look_.female ? 3.0 : 5.0);
    cairo_stroke(cr_);
    if (look_.age >= 50) {
      cairo_move_to(cr_, x + side * (w + 3), y + 2);
      cairo_line_to(cr_, x + side * (w + 9), y + 5);
      cairo_move_to(cr_, x + side * (w + 3), y - 2);
      cairo_line_to(cr_, x + side * (w + 9), y - 4);
      SetColor(cr_, Darker(look_.skin, 0.35), 0.6);
      cairo_set_line_width(cr_, 1.2);
      cairo_stroke(cr_);
    }
  }

  void Face() {
    // A face turned aside: the features slide toward that side, the nose points there.
    SavedState saved(cr_);
    cairo_translate(cr_, look_.facing * 11, 0);
    Eye(-1);
    Eye(1);
    // Nose.
    double turn = look_.facing * 5;
    cairo_move_to(cr_, 3 + turn * 0.4, -906);
    cairo_curve_to(cr_, 6 + turn, -893, 10 + turn * 1.6, -886, 3 + turn, -881);
    cairo_move_to(cr_, -7 + turn, -882);
    cairo_curve_to(cr_, -4 + turn, -879, -1 + turn, -879, 1 + turn, -881);
    SetColor(cr_, Darker(look_.skin, 0.32));
    cairo_set_line_width(cr_, 1.8);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(cr_);
    Mouth();
    if (look_.female) {
      for (int side : {-1, 1}) {
        EllipsePath(cr_, side * 34, -886, 11, 6);
        cairo_set_source_rgba(cr_, 0.95, 0.45, 0.5, 0.22);
        cairo_fill(cr_);
      }
    }
  }

  // The mouth: a line when closed, open by look_.mouth (the jaw drops, the teeth show); its corners
  // lift with a smile and fall with a frown.
  void Mouth() {
    Rgb lips = look_.female ? Mix(look_.skin, {0.78, 0.22, 0.30}, 0.6) : Mix(look_.skin, {0.62, 0.3, 0.28}, 0.4);
    double corner = -863 - 5 * look_.smile;  // corners' y; the middle stays put
    double open = std::clamp(look_.mouth, 0.0, 1.0);
    if (open >= 0.08) {
      double half = 13 - 3 * open;          // an open mouth narrows a little
      double bottom = -864 + 4 + 17 * open;  // the lower lip's lowest point
      cairo_move_to(cr_, -half, corner);
      cairo_curve_to(cr_, -6, -868, 6, -868, half, corner);
      cairo_curve_to(cr_, 8, bottom + 2, -8, bottom + 2, -half, corner);
      cairo_close_path(cr_);
      FillAndOutline(cr_, {0.38, 0.10, 0.12}, 1.6);
      if (open > 0.25) {
        cairo_rectangle(cr_, -8, -867, 16, 2 + 2 * open);
        cairo_set_source_rgb(cr_, 0.96, 0.95, 0.92);
        cairo_fill(cr_);
      }
      cairo_move_to(cr_, -half, corner);
      cairo_curve_to(cr_, -6, -870, 6, -870, half, corner);
      SetColor(cr_, lips);
      cairo_set_line_width(cr_, 2.6);
      cairo_stroke(cr_);
      return;
    }
    if (look_.female) {
      cairo_move_to(cr_, -12, corner);
      cairo_curve_to(cr_, -5, -869, 5, -869, 12, corner);
      cairo_curve_to(cr_, 5, -856, -5, -856, -12, corner);
      cairo_close_path(cr_);
      SetColor(cr_, lips);
      cairo_fill(cr_);
    }
    cairo_move_to(cr_, -12, corner);
    cairo_curve_to(cr_, -4, -860, 4, -860, 12, corner);
    SetColor(cr_, Darker(lips, 0.35));
    cairo_set_line_width(cr_, 2.2);
    cairo_stroke(cr_);
  }

  void FrontHair() {
    double rx = look_.face_rx;
    Rgb hair = look_.hair;
    auto cap = [&](double fringe_y, double side_y) {
      // Crown down to the temples, with a swept fringe.
      cairo_move_to(cr_, -rx - 6, side_y);
      cairo_curve_to(cr_, -rx - 10, -990, -rx * 0.5, -1012, 0, -1010);
      cairo_curve_to(cr_, rx * 0.6, -1012, rx + 10, -990, rx + 6, side_y);
      cairo_curve_to(cr_, rx - 2, -940, rx - 8, fringe_y - 6, rx * 0.45, fringe_y);
      cairo_curve_to(cr_, rx * 0.1, fringe_y + 4, -rx * 0.3, fringe_y - 22, -rx * 0.6, fringe_y - 12);
      cairo_curve_to(cr_, -rx + 4, -944, -rx + 2, -930, -rx - 6, side_y);
      cairo_close_path(cr_);
    };
    switch (look_.hair_style) {
      case HairStyle::kBald: {
        cairo_arc(cr_, -18, -975, 10, 0, 2 * kPi);
        cairo_set_source_rgba(cr_, 1, 1, 1, 0.25);
        cairo_fill(cr_);
        return;
      }
      case HairStyle::kShort:
        cap(-958, -912);
        Fill(hair);
        break;
      case HairStyle::kCurly:
        cap(-950, -905);
        Fill(hair);
        for (int i = 0; i < 9; ++i) {
          double a = kPi * (1.05 + i * 0.9 / 8);
          cairo_new_sub_path(cr_);
          cairo_arc(cr_, std::cos(a) * (rx + 4), -940 + std::sin(a) * 66, 16, 0, 2 * kPi);
        }
        Fill(hair);
        break;
      case HairStyle::kLong:
        cap(-946, -900);
        Fill(hair);
        // Locks falling in front of the shoulders.
        for (int side : {-1, 1}) {
          cairo_move_to(cr_, side * (rx - 14), -952);
          cairo_curve_to(cr_, side * (rx + 12), -948, side * (rx + 16), -900, side * (rx + 18), -850);
          cairo_curve_to(cr_, side * (rx + 22), -790, side * (rx + 34), -750, side * (rx + 36), -720);
          cairo_curve_to(cr_, side * (rx + 20), -712, side * (rx + 6), -716, side * (rx - 2), -730);
          cairo_curve_to(cr_, side * (rx - 4), -800, side * (rx - 2), -880, side * (rx - 14), -952);
          cairo_close_path(cr_);
          Fill(hair);
        }
        break;
      case HairStyle::kBob:
        cairo_move_to(cr_, -rx - 14, -850);
        cairo_curve_to(cr_, -rx - 16, -1010, rx + 16, -1010, rx + 14, -850);
        cairo_line_to(cr_, rx - 4, -850);
        cairo_curve_to(cr_, rx - 2, -900, rx - 4, -930, rx - 10, -948);
        cairo_line_to(cr_, -rx + 10, -948);
        cairo_curve_to(cr_, -rx + 4, -930, -rx + 2, -900, -rx + 4, -850);
        cairo_close_path(cr_);
        Fill(hair);
        break;
      case HairStyle::kPonytail:
        cap(-952, -915);
        Fill(hair);
        break;
      case HairStyle::kBun:
        cap(-955, -915);
        Fill(hair);
        cairo_arc(cr_, 0, -1018, 30, 0, 2 * kPi);
        Fill(hair);
        break;
    }
    // Sheen.
    cairo_arc(cr_, -6, -950, rx * 0.8, kPi * 1.2, kPi * 1.42);
    SetColor(cr_, Lighter(hair, 0.45), 0.3);
    cairo_set_line_width(cr_, 3);
    cairo_stroke(cr_);
  }

  void Glasses() {
    for (int side : {-1, 1}) {
      RoundRectPath(cr_, side * 24 - 17, -931, 34, 25, 7);
      cairo_set_source_rgba(cr_, 1, 1, 1, 0.12);
      cairo_fill_preserve(cr_);
      cairo_set_source_rgb(cr_, 0.08, 0.08, 0.1);
      cairo_set_line_width(cr_, 2.6);
      cairo_stroke(cr_);
    }
    cairo_move_to(cr_, -7, -922);
    cairo_curve_to(cr_, -3, -926, 3, -926, 7, -922);
    cairo_stroke(cr_);
  }

  cairo_t* cr_;
  const FigureLook& look_;
  double lw_;
};

// ---------------------------------------------------------------------------------------------
// Framing: how big the speaker is and where the eye line sits, per shot type.

struct Framing {
  double scale = 1;        // logical px per figure unit for a figure of height 1
  double eye_y = 0;        // screen y of the speaker's eyes
  double set_zoom = 1;     // the backdrop's zoom about (540, 0.42 H)
  double veil = 0;         // how much the backdrop is veiled (shallow focus)
  size_t max_cast = 1;
  double spacing = 0;      // figure units between neighbours
  bool names = false;
  bool shadows = false;
};

constexpr double kEyeUnit = 918;  // eyes above the feet, in figure units

Framing FramingFor(ShotType type, double h, double speaker_height) {
  Framing f;
  // Each shot puts a known point of the speaker's figure at a known screen y at a known size.
  auto anchor = [&](double size_px, double units, double figure_y, double screen_y) {
    f.scale = size_px / units / speaker_height;
    double k = f.scale * speaker_height;
    f.eye_y = screen_y - (kEyeUnit + figure_y) * k;  // figure_y is negative (above the feet)
  };
  switch (type) {
    case ShotType::kECU:
      anchor(kLogicalWidth, 86, -kEyeUnit, 0.43 * h);
      f.set_zoom = 2.8; f.veil = 0.55; f.max_cast = 1;
      break;
    case ShotType::kCU:
      anchor(0.45 * h, 170, -915, 0.57 * h);
      f.set_zoom = 2.2; f.veil = 0.38; f.max_cast = 1;
      break;
    case ShotType::kMCU:
      anchor(0.70 * h, 330, -1000, 0.29 * h);
      f.set_zoom = 1.8; f.veil = 0.28; f.max_cast = 2; f.spacing = 250;
      break;
    case ShotType::kMS:
      anchor(0.70 * h, 470, -1000, 0.30 * h);
      f.set_zoom = 1.5; f.veil = 0.18; f.max_cast = 2; f.spacing = 235;
      break;
    case ShotType::kMLS:
      anchor(0.68 * h, 740, -1000, 0.31 * h);
      f.set_zoom = 1.25; f.veil = 0.08; f.max_cast = 3; f.spacing = 260;
      break;
    case ShotType::kLS:
      anchor(0.34 * h, 1000, 0, 0.86 * h);
      f.set_zoom = 1.08; f.max_cast = 5; f.spacing = 300; f.names = true; f.shadows = true;
      break;
    case ShotType::kWS:
      anchor(0.13 * h, 1000, 0, 0.81 * h);
      f.set_zoom = 1.0; f.max_cast = 6; f.spacing = 470; f.names = true; f.shadows = true;
      break;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------

class PanelPainter {
 public:
  // A figure in the frame: where it stands (figure units from the centre), how far back.
  struct Placed {
    const PanelCharacter* character;
    FigureLook look;
    double x, depth;
    bool dim;  // a listener while someone speaks
  };

  PanelPainter(cairo_t* cr, const PanelSpec& spec)
      : cr_(cr), spec_(spec), s_(spec.width / kLogicalWidth), h_(spec.height / s_),
        time_(ParseTime(spec.time)), kind_(ParseSetKind(spec.location_kind)),
        light_(MakeLighting(time_, spec.interior || kind_ == SetKind::kCar)),
        rng_(static_cast<uint64_t>(spec.seed) * 0x9E3779B97F4A7C15ULL ^ StableHash64(spec.location_name)) {}

  void Paint() {
    cairo_scale(cr_, s_, s_);
    ShotType type = spec_.type;
    // A car has no room to stand back.
    if (kind_ == SetKind::kCar && type > ShotType::kMS) type = ShotType::kMS;
    std::vector<const PanelCharacter*> cast = VisibleCast(type);
    double speaker_height = cast.empty() ? 1.0 : MakeLook(*cast.front(), light_).height;
    Framing framing = FramingFor(type, h_, speaker_height);

    {
      SavedState saved(cr_);
      if (spec_.mirror) {
        cairo_translate(cr_, kLogicalWidth, 0);
        cairo_scale(cr_, -1, 1);
      }
      PaintSet(framing);
      PaintCast(cast, framing, type);
    }
    PaintVignette();
    if (spec_.text) {
      PaintCaption();
      PaintLabels();
    }
  }

 private:
  // The cast in frame, the speaker first; capped by what the shot type holds.
  std::vector<const PanelCharacter*> VisibleCast(ShotType type) const {
    std::vector<const PanelCharacter*> cast;
    for (const PanelCharacter& c : spec_.cast) {
      if (c.speaking) cast.push_back(&c);
    }
    for (const PanelCharacter& c : spec_.cast) {
      if (!c.speaking) cast.push_back(&c);
    }
    size_t cap = FramingFor(type, h_, 1).max_cast;
    if (cast.size() > cap) cast.resize(cap);
    return cast;
  }

  void PaintSet(const Framing& framing) {
    SetDefaults defaults = DefaultsFor(kind_);
    SetContext set;
    set.cr = cr_;
    set.h = h_;
    set.light = light_;
    set.interior = spec_.interior;
    set.wall = light_.Set(PaletteAt(spec_.location_palette, 0, defaults.wall));
    set.accent = light_.Set(PaletteAt(spec_.location_palette, 1, defaults.accent));
    set.floor = light_.Set(PaletteAt(spec_.location_palette, 2, defaults.floor));
    Rng set_rng = rng_.Fork("set");
    set.rng = &set_rng;
    {
      SavedState saved(cr_);
      double cx = kLogicalWidth / 2, cy = 0.42 * h_;
      cairo_translate(cr_, cx, cy);
      cairo_scale(cr_, framing.set_zoom, framing.set_zoom);
      cairo_translate(cr_, -cx, -cy);
      cairo_set_source_rgb(cr_, 0, 0, 0);
      cairo_paint(cr_);
      DrawSet(set, kind_);
    }
    if (framing.veil > 0) {
      // Shallow focus: the closer the shot, the quieter the backdrop.
      Rgb veil = spec_.interior ? Mix(set.wall, {0.5, 0.5, 0.5}, 0.2) : Mix(light_.sky_horizon, set.wall, 0.5);
      cairo_rectangle(cr_, 0, 0, kLogicalWidth, h_);
      SetColor(cr_, veil, framing.veil);
      cairo_fill(cr_);
    }
  }

  void PaintCast(const std::vector<const PanelCharacter*>& cast, const Framing& framing, ShotType type) {
    if (cast.empty()) return;
    size_t n = cast.size();
    bool someone_speaks = cast.front()->speaking;
    // Slots left to right; the speaker takes the left slot of two and the middle of three or more.
    std::vector<double> slot_x(n);
    for (size_t i = 0; i < n; ++i) slot_x[i] = (static_cast<double>(i) - (n - 1) / 2.0) * framing.spacing;
    size_t speaker_slot = n == 2 ? 0 : (n - 1) / 2;
    std::vector<size_t> slot_of(n);
    slot_of[0] = speaker_slot;
    for (size_t i = 1, next = 0; i < n; ++i, ++next) {
      if (next == speaker_slot) ++next;
      slot_of[i] = next;
    }
    // In close two-shots the speaker stands nearer the lens, left of centre; the listener is at
    // the right edge (MCU: half out of frame, over-the-shoulder style). Positions are fractions
    // of the frame width from the centre.
    bool close = type <= ShotType::kMS;
    double close_speaker = type == ShotType::kMCU ? -0.15 : -0.23;
    double close_listener = type == ShotType::kMCU ? 0.50 : 0.27;
    std::vector<Placed> placed;
    for (size_t i = 0; i < n; ++i) {
      double depth = i == 0 ? 1.0 : (close ? 0.9 : 0.94);
      double x = slot_x[slot_of[i]];
      if (close && n == 2) x = (i == 0 ? close_speaker : close_listener) * kLogicalWidth / (framing.scale * depth);
      placed.push_back({cast[i], MakeLook(*cast[i], light_), x, depth, someone_speaks && i != 0});
      Express(placed.back().look);
    }
    // Two or more turn toward the others; one alone looks at the lens.
    for (auto& p : placed) {
      if (placed.size() < 2) break;
      double others = 0;
      for (const auto& q : placed) others += &q == &p ? 0 : q.x;
      others /= static_cast<double>(placed.size() - 1);
      p.look.facing = others > p.x ? 0.7 : -0.7;
    }
    // Paint back to front: the speaker last.
    for (size_t j = placed.size(); j-- > 0;) PaintFigure(placed[j], framing);
    if (framing.names) {
      for (size_t j = 0; j < placed.size(); ++j) {
        const Placed& p = placed[j];
        if (p.character->name.empty()) continue;
        double k = framing.scale * p.depth;
        double sx = kLogicalWidth / 2 + p.x * k;
        double feet = framing.eye_y + kEyeUnit * k;  // eye line at depth 1 stays for all depths
        double size = type == ShotType::kWS ? 22 : 28;
        double stagger = type == ShotType::kWS && (slot_of[j] % 2 == 1) ? size * 1.3 : 0;
        DrawCenteredText(cr_, sx, std::min(feet + 10 + stagger, h_ - size * 3), p.character->name, size);
      }
    }
  }

  // The beat's emotion on a face: valence bends the mouth; dark and heated knits the brows, dark
  // and calm lifts their inner ends, bright and heated raises them.
  void Express(FigureLook& look) const {
    double v = std::clamp(spec_.valence, -1.0, 1.0), a = std::clamp(spec_.arousal, 0.0, 1.0);
    look.smile = v;
    look.knit = std::clamp(-v * a * 1.6, 0.0, 1.0);
    look.sorrow = std::clamp(-v * (1 - a) * 1.6, 0.0, 1.0);
    look.raise = std::clamp(v * a * 1.4, 0.0, 1.0);
  }

  void PaintFigure(const Placed& p, const Framing& framing) {
    double k = framing.scale * p.depth;  // px per unit at this depth
    double fs = k * p.look.height;       // px per figure unit for this figure
    double sx = kLogicalWidth / 2 + p.x * k;
    // Eye level is the horizon: a figure further back keeps its eyes near the speaker's eye line.
    double eye_y = framing.eye_y + (1 - p.look.height) * kEyeUnit * k * 0.5;
    double feet_y = eye_y + kEyeUnit * fs;
    if (framing.shadows) {
      EllipsePath(cr_, sx, feet_y, 130 * fs, 22 * fs);
      cairo_set_source_rgba(cr_, 0, 0, 0, 0.3);
      cairo_fill(cr_);
    }
    if (p.look.speaking) {
      // A soft key light behind the speaker's head.
      Glow(cr_, sx - 20 * fs, feet_y - 900 * fs, 260 * fs, light_.night() ? Rgb{0.7, 0.8, 1.0} : Rgb{1, 0.95, 0.85},
           0.35);
    }
    SavedState saved(cr_);
    cairo_translate(cr_, sx, feet_y);
    cairo_scale(cr_, fs, fs);
    double line_width = 2.6 / fs;
    if (p.dim) cairo_push_group(cr_);
    FigurePainter(cr_, p.look, line_width).Paint();
    if (p.dim) {
      // Listeners a shade darker so the speaker reads first.
      cairo_set_operator(cr_, CAIRO_OPERATOR_ATOP);
      cairo_set_source_rgba(cr_, 0.05, 0.05, 0.08, 0.13);
      cairo_paint(cr_);
      cairo_pop_group_to_source(cr_);
      cairo_set_operator(cr_, CAIRO_OPERATOR_OVER);
      cairo_paint(cr_);
    }
  }

  void PaintVignette() {
    double cx = kLogicalWidth / 2, cy = h_ / 2;
    PatternPtr vignette(cairo_pattern_create_radial(cx, cy, h_ * 0.3, cx, cy, h_ * 0.62));
    cairo_pattern_add_color_stop_rgba(vignette.get(), 0, 0, 0, 0, 0);
    cairo_pattern_add_color_stop_rgba(vignette.get(), 1, 0, 0, 0, 0.38);
    cairo_set_source(cr_, vignette.get());
    cairo_paint(cr_);
  }

  void PaintCaption() {
    std::string caption = Trim(spec_.caption);
    if (caption.empty()) return;
    LayoutPtr layout = MakeCaptionLayout(cr_, caption);
    double text_h = LayoutHeight(layout.get());
    double box_h = text_h + 2 * kCaptionPadY;
    RoundRectPath(cr_, kCaptionBoxX, kCaptionTop, kCaptionBoxWidth, box_h, 28);
    cairo_set_source_rgba(cr_, 0.03, 0.03, 0.06, 0.58);
    cairo_fill_preserve(cr_);
    cairo_set_source_rgba(cr_, 1, 1, 1, 0.18);
    cairo_set_line_width(cr_, 2);
    cairo_stroke(cr_);
    cairo_move_to(cr_, kCaptionBoxX + kCaptionPadX, kCaptionTop + kCaptionPadY);
    cairo_set_source_rgb(cr_, 1, 1, 1);
    pango_cairo_show_layout(cr_, layout.get());
  }

  void PaintLabels() {
    std::string label = Trim(spec_.label);
    if (label.empty()) label = spec_.shot_id;
    double y = 34;
    if (!label.empty()) y += DrawPill(cr_, 34, y, label, {0.02, 0.02, 0.04}, 0.68) + 10;
    std::string place = ToUpperAscii(Trim(spec_.location_name));
    if (place.empty()) place = ToUpperAscii(Trim(spec_.location_kind));
    std::string strip = std::string(spec_.interior ? "INT. " : "EXT. ") + place + " — " + TimeName(time_, HasCjk(place));
    Rgb marker = time_ == TimeOfDay::kNight  ? Rgb{0.45, 0.6, 1.0}
                 : time_ == TimeOfDay::kDusk ? Rgb{1.0, 0.55, 0.25}
                 : time_ == TimeOfDay::kDawn ? Rgb{1.0, 0.75, 0.75}
                                             : Rgb{1.0, 0.85, 0.3};
    DrawPill(cr_, 34, y, strip, {0.02, 0.02, 0.04}, 0.5, marker, true);
  }

  cairo_t* cr_;
  const PanelSpec& spec_;
  double s_;  // device px per logical px
  double h_;  // logical height
  TimeOfDay time_;
  SetKind kind_;
  Lighting light_;
  Rng rng_;
};

}  // namespace

const std::vector<std::string>& PanelStyles() {
  static const std::vector<std::string> kStyles = {"storyboard", "noir", "warm", "cool", "pastel"};
  return kStyles;
}

namespace {

// A colour grade over the whole panel (opaque ARGB32, so premultiplication does not matter).
void Grade(Image& image, const std::string& style) {
  if (style == "storyboard") return;
  for (int y = 0; y < image.height; ++y) {
    uint8_t* px = image.Row(y);
    for (int x = 0; x < image.width; ++x, px += 4) {
      double b = px[0], g = px[1], r = px[2];
      double luma = 0.299 * r + 0.587 * g + 0.114 * b, t = luma / 255 - 0.5;
      if (style == "noir") {  // black and white, hard contrast
        double v = std::clamp(128 + (luma - 128) * 1.45, 0.0, 255.0);
        r = g = b = v;
      } else if (style == "warm") {  // golden hour
        r = r * 1.08 + 10, g = g * 1.01 + 3, b = b * 0.82;
      } else if (style == "cool") {  // teal shadows, orange highlights
        r += 40 * t, g += 6 * t, b -= 40 * t;
        if (t < 0) g -= 10 * t, b -= 30 * t;
      } else if (style == "pastel") {  // lifted, softened
        r = 0.7 * (0.7 * r + 0.3 * luma) + 76, g = 0.7 * (0.7 * g + 0.3 * luma) + 76, b = 0.7 * (0.7 * b + 0.3 * luma) + 76;
      }
      px[0] = static_cast<uint8_t>(std::clamp(b, 0.0, 255.0));
      px[1] = static_cast<uint8_t>(std::clamp(g, 0.0, 255.0));
      px[2] = static_cast<uint8_t>(std::clamp(r, 0.0, 255.0));
    }
  }
}

}  // namespace

Result<Image> PaintPanel(const PanelSpec& spec) {
  constexpr int kMinSide = 16, kMaxSide = 8192;
  if (std::find(PanelStyles().begin(), PanelStyles().end(), spec.style) == PanelStyles().end())
    return BadInput(spec.shot_id, "unknown style '" + spec.style + "'; the styles are storyboard, noir, warm, cool, pastel");
  if (spec.width < kMinSide || spec.height < kMinSide || spec.width > kMaxSide || spec.height > kMaxSide) {
    return BadInput(spec.shot_id, "panel size " + std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                                      " is outside 16..8192 pixels a side");
  }
  Image image(spec.width, spec.height);
  SurfacePtr surface(cairo_image_surface_create_for_data(image.pixels.data(), CAIRO_FORMAT_ARGB32, spec.width,
                                                         spec.height, image.stride));
  ContextPtr cr(cairo_create(surface.get()));
  PanelPainter(cr.get(), spec).Paint();
  cairo_surface_flush(surface.get());
  if (cairo_status_t status = cairo_status(cr.get()); status != CAIRO_STATUS_SUCCESS) {
    return Failed(std::string("cairo failed painting the panel: ") + cairo_status_to_string(status), spec.shot_id);
  }
  Grade(image, spec.style);
  return image;
}

CaptionLayoutInfo MeasureCaption(const std::string& caption, int panel_width) {
  CaptionLayoutInfo info;
  std::string text = Trim(caption);
  if (text.empty() || panel_width <= 0) return info;
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1));
  ContextPtr cr(cairo_create(surface.get()));
  double s = panel_width / kLogicalWidth;
  cairo_scale(cr.get(), s, s);
  LayoutPtr layout = MakeCaptionLayout(cr.get(), text);
  info.lines = pango_layout_get_line_count(layout.get());
  info.unknown_glyphs = pango_layout_get_unknown_glyphs_count(layout.get());
  info.ellipsized = pango_layout_is_ellipsized(layout.get());
  info.height_px = static_cast<int>(std::lround((LayoutHeight(layout.get()) + 2 * kCaptionPadY) * s));
  return info;
}

}  // namespace rw
