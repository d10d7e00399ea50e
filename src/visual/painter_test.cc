#include "visual/painter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "visual/png.h"

namespace rw {
namespace {

struct Rgb8 {
  int r, g, b;
};

Rgb8 PixelAt(const Image& image, int x, int y) {
  const uint8_t* p = image.Row(y) + x * 4;  // B, G, R, A on little-endian; panels are opaque
  return {p[2], p[1], p[0]};
}

Rgb8 Hex(const char* hex) {
  unsigned v = static_cast<unsigned>(std::strtoul(hex + 1, nullptr, 16));
  return {static_cast<int>(v >> 16), static_cast<int>((v >> 8) & 0xFF), static_cast<int>(v & 0xFF)};
}

int Distance(Rgb8 a, Rgb8 b) { return std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b); }

// Mean absolute difference per channel (0..255) over a rectangle.
double MeanAbsDiff(const Image& a, const Image& b, int x0, int y0, int x1, int y1) {
  double sum = 0;
  for (int y = y0; y < y1; ++y) {
    const uint8_t* pa = a.Row(y);
    const uint8_t* pb = b.Row(y);
    for (int x = x0 * 4; x < x1 * 4; ++x) sum += std::abs(pa[x] - pb[x]);
  }
  return sum / (static_cast<double>(x1 - x0) * (y1 - y0) * 4);
}

// Fraction of pixels in a rectangle within `tolerance` (sum of channel differences) of `color`.
double Fraction(const Image& image, Rgb8 color, int tolerance, int x0, int y0, int x1, int y1) {
  long hits = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) hits += Distance(PixelAt(image, x, y), color) <= tolerance;
  }
  return static_cast<double>(hits) / ((x1 - x0) * static_cast<double>(y1 - y0));
}

// Skin-like: warm, red > green > blue, fairly bright. The test sets use cool palettes.
bool SkinLike(Rgb8 c) { return c.r > 150 && c.r > c.g + 12 && c.g > c.b + 8 && c.r - c.b > 40; }

PanelCharacter Lin() {
  PanelCharacter c;
  c.id = "C01";
  c.name = "Lin Xia";
  c.gender = "female";
  c.age = 26;
  c.palette = {"#B0172E", "#F2C14E"};
  c.look = {"long black hair", "crimson dress"};
  c.speaking = true;
  return c;
}

PanelCharacter Gu() {
  PanelCharacter c;
  c.id = "C02";
  c.name = "Gu Chen";
  c.gender = "male";
  c.age = 31;
  c.palette = {"#1F7A8C", "#E0E0E0"};
  c.look = {"silver hair", "teal suit", "glasses"};
  return c;
}

PanelSpec BaseSpec(ShotType type) {
  PanelSpec spec;
  spec.shot_id = "S007";
  spec.type = type;
  spec.location_name = "PENTHOUSE OFFICE";
  spec.location_kind = "office";
  spec.time = "DAY";
  spec.location_palette = {"#2B3A55", "#8899AA", "#3A4048"};
  spec.cast = {Lin()};
  spec.caption = "She slams the contract on his desk.";
  spec.label = "S007 · CU · push-in · 3.2s";
  spec.seed = 7;
  return spec;
}

Image Paint(const PanelSpec& spec) {
  Result<Image> image = PaintPanel(spec);
  EXPECT_TRUE(image.ok()) << (image.ok() ? "" : image.error().ToString());
  return image.ok() ? std::move(image).value() : Image();
}

TEST(PainterTest, PaintsTheRequestedSize) {
  PanelSpec spec = BaseSpec(ShotType::kMS);
  spec.width = 540;
  spec.height = 960;
  Image image = Paint(spec);
  EXPECT_EQ(image.width, 540);
  EXPECT_EQ(image.height, 960);
  EXPECT_EQ(image.stride, 540 * 4);
}

TEST(PainterTest, RejectsAbsurdSizes) {
  PanelSpec spec = BaseSpec(ShotType::kMS);
  spec.width = 0;
  Result<Image> image = PaintPanel(spec);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code, ErrorCode::kBadInput);
}

TEST(PainterTest, IsDeterministic) {
  PanelSpec spec = BaseSpec(ShotType::kMS);
  spec.cast = {Lin(), Gu()};
  spec.time = "NIGHT";
  Image a = Paint(spec);
  Image b = Paint(spec);
  ASSERT_EQ(a.pixels.size(), b.pixels.size());
  EXPECT_TRUE(a.pixels == b.pixels);
}

TEST(PainterTest, SeedVariesDetailsOnly) {
  PanelSpec spec = BaseSpec(ShotType::kWS);
  spec.time = "NIGHT";
  Image a = Paint(spec);
  spec.seed = 8;
  Image b = Paint(spec);
  double diff = MeanAbsDiff(a, b, 0, 0, a.width, a.height);
  EXPECT_GT(diff, 0.0);
  EXPECT_LT(diff, 12.0);  // same set, same framing: only windows, skyline heights, stars move
}

// The framing must read differently: a close-up is mostly face and shoulders, a wide shot is
// mostly set. Measured at 540x960: mean |CU - WS| ~ 60 per channel; the centre of the CU is
// ~60% skin or clothes, of the WS ~1%. Thresholds sit well inside those.
TEST(PainterTest, CloseUpAndWideShotDifferInFraming) {
  PanelSpec spec = BaseSpec(ShotType::kCU);
  spec.width = 540;
  spec.height = 960;
  spec.caption.clear();
  Image cu = Paint(spec);
  spec.type = ShotType::kWS;
  Image ws = Paint(spec);

  double diff = MeanAbsDiff(cu, ws, 0, 0, cu.width, cu.height);
  std::printf("mean |CU - WS| = %.1f per channel\n", diff);
  EXPECT_GT(diff, 25.0);

  auto character_area = [&](const Image& image) {
    int x0 = image.width / 4, x1 = image.width * 3 / 4, y0 = image.height * 3 / 10, y1 = image.height * 8 / 10;
    Rgb8 clothes = Hex("#B0172E");
    long hits = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        Rgb8 c = PixelAt(image, x, y);
        hits += SkinLike(c) || Distance(c, clothes) <= 90;
      }
    }
    return static_cast<double>(hits) / ((x1 - x0) * static_cast<double>(y1 - y0));
  };
  double cu_area = character_area(cu), ws_area = character_area(ws);
  std::printf("character area in centre: CU %.3f, WS %.3f\n", cu_area, ws_area);
  EXPECT_GT(cu_area, 0.35);
  EXPECT_LT(ws_area, 0.08);
  EXPECT_GT(cu_area, 5 * ws_area);
}

TEST(PainterTest, EveryShotTypeFramesDifferently) {
  PanelSpec spec = BaseSpec(ShotType::kECU);
  spec.width = 270;
  spec.height = 480;
  spec.caption.clear();
  std::vector<Image> images;
  for (ShotType type : {ShotType::kECU, ShotType::kCU, ShotType::kMCU, ShotType::kMS, ShotType::kMLS, ShotType::kLS,
                        ShotType::kWS}) {
    spec.type = type;
    images.push_back(Paint(spec));
  }
  for (size_t i = 1; i < images.size(); ++i) {
    double diff = MeanAbsDiff(images[i - 1], images[i], 0, 0, spec.width, spec.height);
    EXPECT_GT(diff, 8.0) << "shot types " << i - 1 << " and " << i << " look alike";
  }
}

TEST(PainterTest, TwoCharactersBothShowTheirPalettes) {
  PanelSpec spec = BaseSpec(ShotType::kMS);
  spec.width = 540;
  spec.height = 960;
  spec.cast = {Lin(), Gu()};
  Image image = Paint(spec);
  double red = Fraction(image, Hex("#B0172E"), 60, 0, 0, image.width, image.height);
  double teal = Fraction(image, Hex("#1F7A8C"), 60, 0, 0, image.width, image.height);
  std::printf("MS two-shot: crimson %.3f, teal %.3f of the frame\n", red, teal);
  EXPECT_GT(red, 0.02);
  EXPECT_GT(teal, 0.02);
  // Alone, the teal suit is gone: what is left near teal is a little of the blue set.
  spec.cast = {Lin()};
  Image alone = Paint(spec);
  double teal_alone = Fraction(alone, Hex("#1F7A8C"), 60, 0, 0, alone.width, alone.height);
  std::printf("MS single: teal %.3f of the frame\n", teal_alone);
  EXPECT_GT(teal, 5 * teal_alone);
}

TEST(PainterTest, CloseUpShowsOnlyTheSpeaker) {
  PanelSpec spec = BaseSpec(ShotType::kCU);
  spec.width = 540;
  spec.height = 960;
  spec.cast = {Lin(), Gu()};
  Image image = Paint(spec);
  spec.cast = {Lin()};
  Image alone = Paint(spec);
  // The listener is left out: the two-character CU is the one-character CU.
  EXPECT_TRUE(image.pixels == alone.pixels);
  EXPECT_GT(Fraction(image, Hex("#B0172E"), 60, 0, 0, image.width, image.height), 0.01);
}

TEST(PainterTest, ChineseCaptionRendersGlyphs) {
  const std::string chinese = "她把合同摔在他的桌上：“这门婚事，我不嫁了！”";
  CaptionLayoutInfo info = MeasureCaption(chinese, 1080);
  EXPECT_EQ(info.unknown_glyphs, 0);
  EXPECT_GE(info.lines, 1);
  EXPECT_FALSE(info.ellipsized);

  PanelSpec spec = BaseSpec(ShotType::kMCU);
  spec.width = 540;
  spec.height = 960;
  spec.caption = chinese;
  Image with = Paint(spec);
  spec.caption.clear();
  Image without = Paint(spec);
  // The caption box sits in the upper third.
  int top = static_cast<int>(156 * 0.5), bottom = top + info.height_px / 2;
  double in_box = MeanAbsDiff(with, without, 30, top, 510, bottom);
  double below = MeanAbsDiff(with, without, 0, bottom + 4, 540, 960);
  std::printf("Chinese caption: box diff %.1f, below the box %.3f\n", in_box, below);
  EXPECT_GT(in_box, 10.0);
  EXPECT_EQ(below, 0.0);
  EXPECT_LT(bottom, 960 / 3);
}

TEST(PainterTest, LongCaptionIsCutAtFiveLines) {
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "The storm breaks over the city as she finally tells him the truth. ";
  CaptionLayoutInfo info = MeasureCaption(long_text, 1080);
  EXPECT_EQ(info.lines, kMaxCaptionLines);
  EXPECT_TRUE(info.ellipsized);
  EXPECT_EQ(info.unknown_glyphs, 0);
  CaptionLayoutInfo half = MeasureCaption(long_text, 540);
  EXPECT_EQ(half.lines, kMaxCaptionLines);
  EXPECT_NEAR(half.height_px, info.height_px / 2, 2);
  EXPECT_EQ(MeasureCaption("", 1080).height_px, 0);
}

TEST(PainterTest, EveryLocationKindPaints) {
  for (const char* kind : {"office", "street", "hall", "home", "hospital", "rooftop", "restaurant", "car", "garden",
                           "bedroom", "other", "spaceship"}) {
    for (const char* time : {"DAY", "NIGHT", "DUSK", "DAWN"}) {
      PanelSpec spec = BaseSpec(ShotType::kLS);
      spec.width = 216;
      spec.height = 384;
      spec.location_kind = kind;
      spec.time = time;
      spec.location_palette.clear();
      spec.cast = {Lin(), Gu()};
      Result<Image> image = PaintPanel(spec);
      ASSERT_TRUE(image.ok()) << kind << " " << time;
    }
  }
}

TEST(PainterTest, NightIsDarkerThanDay) {
  PanelSpec spec = BaseSpec(ShotType::kWS);
  spec.width = 270;
  spec.height = 480;
  spec.location_kind = "street";
  spec.interior = false;
  spec.caption.clear();
  auto mean = [](const Image& image) {
    double sum = 0;
    for (size_t i = 0; i < image.pixels.size(); i += 4) sum += image.pixels[i] + image.pixels[i + 1] + image.pixels[i + 2];
    return sum / (image.pixels.size() / 4 * 3);
  };
  spec.time = "DAY";
  double day = mean(Paint(spec));
  spec.time = "NIGHT";
  double night = mean(Paint(spec));
  EXPECT_LT(night, day * 0.7);
}

// Writes sample panels when RW_PANEL_SAMPLES names a folder, and prints the paint time of a
// full-size panel (reported, not asserted).
TEST(PainterTest, SamplesAndTiming) {
  PanelSpec spec = BaseSpec(ShotType::kMS);
  spec.cast = {Lin(), Gu()};
  spec.time = "NIGHT";
  PaintPanel(spec).value();  // warm fontconfig and pango caches
  constexpr int kRuns = 5;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    spec.seed = i;
    ASSERT_TRUE(PaintPanel(spec).ok());
  }
  double paint_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / kRuns;
  std::printf("PaintPanel 1080x1920: %.1f ms per panel\n", paint_ms);

  const char* dir = std::getenv("RW_PANEL_SAMPLES");
  if (dir == nullptr) return;
  std::filesystem::path out(dir);
  auto save = [&](const PanelSpec& s, const char* name) {
    Result<Image> image = PaintPanel(s);
    ASSERT_TRUE(image.ok());
    ASSERT_TRUE(WritePng(out / name, *image).ok());
  };
  PanelSpec cu = BaseSpec(ShotType::kCU);
  cu.time = "NIGHT";
  cu.caption = "\"You signed it. You just didn't read it.\"";
  save(cu, "cu.png");
  PanelSpec ms = BaseSpec(ShotType::kMS);
  ms.cast = {Lin(), Gu()};
  ms.label = "S012 · MS · static · 2.4s";
  save(ms, "ms_two.png");
  PanelSpec ws = BaseSpec(ShotType::kWS);
  ws.location_name = "RAINY STREET";
  ws.location_kind = "street";
  ws.interior = false;
  ws.time = "NIGHT";
  ws.location_palette = {};
  ws.cast = {Lin(), Gu()};
  ws.caption = "They stop under the street lamp, a car length apart.";
  ws.label = "S001 · WS · pan-left · 4.0s";
  save(ws, "ws_street_night.png");
  PanelSpec zh = BaseSpec(ShotType::kMCU);
  zh.caption = "她把合同摔在他的桌上：“这门婚事，我不嫁了！”";
  zh.location_name = "顾氏集团 总裁办公室";
  zh.cast = {Lin(), Gu()};
  zh.time = "DUSK";
  zh.label = "S003 · MCU · push-in · 3.0s";
  save(zh, "mcu_chinese.png");
  const std::vector<std::pair<ShotType, const char*>> types = {
      {ShotType::kECU, "ECU"}, {ShotType::kCU, "CU"}, {ShotType::kMCU, "MCU"}, {ShotType::kMS, "MS"},
      {ShotType::kMLS, "MLS"}, {ShotType::kLS, "LS"}, {ShotType::kWS, "WS"}};
  // Contact sheets at 360x640 a panel: every shot type, and every set.
  auto sheet = [&](const std::vector<PanelSpec>& specs, const char* name) {
    constexpr int kW = 360, kH = 640;
    Image contact(kW * static_cast<int>(specs.size()), kH);
    for (size_t i = 0; i < specs.size(); ++i) {
      PanelSpec s = specs[i];
      s.width = kW;
      s.height = kH;
      Result<Image> panel = PaintPanel(s);
      ASSERT_TRUE(panel.ok());
      for (int y = 0; y < kH; ++y) std::copy_n(panel->Row(y), kW * 4, contact.Row(y) + i * kW * 4);
    }
    ASSERT_TRUE(WritePng(out / name, contact).ok());
  };
  std::vector<PanelSpec> by_type;
  for (const auto& [type, name] : types) {
    PanelSpec s = BaseSpec(type);
    s.cast = {Lin(), Gu()};
    s.time = "NIGHT";
    s.label = std::string("S100 · ") + name;
    by_type.push_back(s);
  }
  sheet(by_type, "sheet_types.png");
  // Looks: hair shapes, outfits, age, beard.
  auto person = [](const char* id, const char* gender, int age, std::vector<std::string> palette,
                   std::vector<std::string> look, bool speaking) {
    PanelCharacter c;
    c.id = id;
    c.name = id;
    c.gender = gender;
    c.age = age;
    c.palette = std::move(palette);
    c.look = std::move(look);
    c.speaking = speaking;
    return c;
  };
  std::vector<PanelSpec> looks;
  const std::vector<std::pair<PanelCharacter, PanelCharacter>> pairs = {
      {person("C03", "female", 24, {"#F4F1EA", "#3B6FB6"}, {"blonde bob", "white blouse"}, true),
       person("C04", "male", 62, {"#4A4A4A", "#8B1E3F"}, {"grey beard", "charcoal suit"}, false)},
      {person("C05", "female", 30, {"#2E2E3A", "#C9A227"}, {"auburn ponytail", "black trench coat"}, true),
       person("C06", "male", 28, {"#6B8F71", "#F2E8CF"}, {"curly brown hair", "green hoodie"}, false)},
      {person("C07", "female", 45, {"#7A1F5C", "#E8C872"}, {"hair in a bun", "plum qipao", "pearl earrings"}, true),
       person("C08", "male", 35, {"#F0F0F0", "#2A4D8F"}, {"short black hair", "white coat", "glasses"}, false)},
      {person("C09", "male", 40, {"#1B3A5C", "#D4AF37"}, {"long black hair", "hanfu robe"}, true),
       person("C10", "nonbinary", 22, {"#E07A5F", "#3D405B"}, {"pink hair", "casual jacket"}, false)},
      {person("C11", "female", 8, {"#FFD166", "#EF476F"}, {"ponytail", "yellow dress"}, true),
       person("C12", "male", 50, {"#222222", "#AA0000"}, {"bald", "black suit", "stubble"}, false)},
  };
  for (const auto& [a, b] : pairs) {
    PanelSpec s = BaseSpec(ShotType::kMLS);
    s.cast = {a, b};
    s.time = "DAY";
    s.location_kind = "home";
    s.location_palette = {};
    looks.push_back(s);
  }
  sheet(looks, "sheet_looks.png");
  std::vector<PanelSpec> sets;
  for (const char* kind : {"street", "hall", "home", "hospital", "rooftop", "restaurant", "car", "garden", "bedroom",
                           "other"}) {
    PanelSpec s = BaseSpec(ShotType::kLS);
    s.location_kind = kind;
    s.location_name = kind;
    s.location_palette = {};
    s.interior = std::string(kind) != "street" && std::string(kind) != "rooftop" && std::string(kind) != "garden";
    s.time = (std::string(kind) == "rooftop" || std::string(kind) == "garden") ? "DUSK" : "DAY";
    s.cast = {Lin(), Gu()};
    sets.push_back(s);
  }
  sheet(std::vector<PanelSpec>(sets.begin(), sets.begin() + 5), "sheet_sets1.png");
  sheet(std::vector<PanelSpec>(sets.begin() + 5, sets.end()), "sheet_sets2.png");
}

}  // namespace

namespace {

TEST(PanelStyle, AStylePresetChangesTheLook) {
  PanelSpec spec;
  spec.width = 180;
  spec.height = 320;
  spec.shot_id = "S001";
  spec.location_kind = "office";
  spec.location_palette = {"#203040", "#C08040"};
  auto plain = PaintPanel(spec);
  spec.style = "noir";
  auto noir = PaintPanel(spec);
  spec.style = "warm";
  auto warm = PaintPanel(spec);
  ASSERT_TRUE(plain.ok() && noir.ok() && warm.ok());
  // Noir is grey everywhere; warm has more red than the plain panel.
  double red_plain = 0, red_warm = 0;
  for (int y = 0; y < 320; ++y)
    for (int x = 0; x < 180; ++x) {
      const uint8_t* n = noir->Row(y) + 4 * x;
      EXPECT_TRUE(n[0] == n[1] && n[1] == n[2]);
      red_plain += plain->Row(y)[4 * x + 2];
      red_warm += warm->Row(y)[4 * x + 2];
    }
  EXPECT_GT(red_warm, red_plain * 1.05);
  spec.style = "sepia";
  EXPECT_FALSE(PaintPanel(spec).ok());
}

}  // namespace
}  // namespace rw

namespace rw {
namespace {

double MeanLuma(const Image& image, int x0, int y0, int x1, int y1) {
  double sum = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      Rgb8 c = PixelAt(image, x, y);
      sum += 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
    }
  return sum / ((x1 - x0) * static_cast<double>(y1 - y0));
}

// How far the darkest pixels (pupils, lids) of a band sit right of its skin's middle, in pixels:
// the eyes' offset within the face.
double EyesRightOfFace(const Image& image, int x0, int y0, int x1, int y1) {
  double dark = 0, dark_n = 0, skin = 0, skin_n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      Rgb8 c = PixelAt(image, x, y);
      if (0.299 * c.r + 0.587 * c.g + 0.114 * c.b < 50) dark += x, dark_n += 1;
      if (SkinLike(c)) skin += x, skin_n += 1;
    }
  EXPECT_GT(dark_n, 20);
  EXPECT_GT(skin_n, 200);
  return dark_n > 0 && skin_n > 0 ? dark / dark_n - skin / skin_n : 0;
}

// A CU of Lin at 1080x1920: her mouth sits about 0.77 of the height down, centred.
constexpr int kMouthX0 = 470, kMouthX1 = 610, kMouthY0 = 1430, kMouthY1 = 1580;

TEST(PanelFace, TheMouthOpensAsFarAsAsked) {
  PanelSpec spec = BaseSpec(ShotType::kCU);
  spec.caption.clear();
  double luma[3];
  for (int i = 0; i < 3; ++i) {
    spec.cast[0].mouth = i * 0.5;
    luma[i] = MeanLuma(Paint(spec), kMouthX0, kMouthY0, kMouthX1, kMouthY1);
  }
  // Wider is darker: more of the mouth's inside shows.
  EXPECT_GT(luma[0] - luma[1], 3) << luma[0] << " " << luma[1];
  EXPECT_GT(luma[1] - luma[2], 3) << luma[1] << " " << luma[2];
  // Not set: open while speaking, closed while listening.
  spec.cast[0].mouth = -1;
  Image speaking = Paint(spec);
  spec.cast[0].speaking = false;
  spec.cast[0].mouth = -1;
  Image listening = Paint(spec);
  EXPECT_LT(MeanLuma(speaking, kMouthX0, kMouthY0, kMouthX1, kMouthY1) + 3,
            MeanLuma(listening, kMouthX0, kMouthY0, kMouthX1, kMouthY1));
}

TEST(PanelFace, TheBeatsEmotionShowsOnTheFaceAndNowhereElse) {
  PanelSpec spec = BaseSpec(ShotType::kCU);
  spec.caption.clear();
  spec.cast[0].mouth = 0;
  spec.valence = -0.9, spec.arousal = 0.9;  // fury
  Image fury = Paint(spec);
  spec.valence = -0.8, spec.arousal = 0.1;  // grief
  Image grief = Paint(spec);
  spec.valence = 0.9, spec.arousal = 0.8;  // triumph
  Image triumph = Paint(spec);
  // Brows (0.57 of the height) and mouth differ between every pair…
  const int bx0 = 320, bx1 = 760, by0 = 1050, by1 = 1150;
  EXPECT_GT(MeanAbsDiff(fury, grief, bx0, by0, bx1, by1), 1.0);
  EXPECT_GT(MeanAbsDiff(fury, triumph, bx0, by0, bx1, by1), 1.0);
  EXPECT_GT(MeanAbsDiff(grief, triumph, kMouthX0 - 40, kMouthY0, kMouthX1 + 40, kMouthY1), 0.5);
  // …and the set behind does not change.
  EXPECT_EQ(MeanAbsDiff(fury, triumph, 0, 0, 1080, 300), 0);
}

TEST(PanelFace, TwoPeopleFaceEachOther) {
  PanelSpec spec = BaseSpec(ShotType::kMS);
  spec.caption.clear();
  spec.cast = {Lin(), Gu()};
  Image two = Paint(spec);
  // The speaker stands left of centre (x ≈ 292 of 1080), eyes at 0.455 of the height; her
  // features turn right, toward him.
  const int face_x = 292, eye_y = static_cast<int>(0.455 * 1920);
  EXPECT_GT(EyesRightOfFace(two, face_x - 110, eye_y - 25, face_x + 110, eye_y + 25), 8);
  // The reverse angle turns her the other way with everything else.
  spec.mirror = true;
  Image mirrored = Paint(spec);
  EXPECT_LT(EyesRightOfFace(mirrored, 1080 - face_x - 110, eye_y - 25, 1080 - face_x + 110, eye_y + 25), -8);
  // Alone, she looks at the lens.
  spec.mirror = false;
  spec.type = ShotType::kCU;
  Image alone = Paint(spec);
  EXPECT_NEAR(EyesRightOfFace(alone, 340, 1120, 740, 1240), 0, 4);
}

}  // namespace
}  // namespace rw
