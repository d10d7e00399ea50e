#include "visual/png.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file.h"
#include "visual/painter.h"

namespace rw {
namespace {

std::filesystem::path TempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("rw_png_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(PngTest, RoundTripIsExactForOpaqueImages) {
  PanelSpec spec;
  spec.width = 270;
  spec.height = 480;
  spec.location_kind = "office";
  spec.caption = "Round trip";
  Result<Image> panel = PaintPanel(spec);
  ASSERT_TRUE(panel.ok());
  auto path = TempDir() / "panel.png";
  ASSERT_TRUE(WritePng(path, *panel).ok());
  Result<Image> back = ReadPng(path);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->width, 270);
  EXPECT_EQ(back->height, 480);
  EXPECT_TRUE(back->pixels == panel->pixels);
  std::filesystem::remove_all(path.parent_path());
}

TEST(PngTest, RoundTripKeepsTranslucentPixelsClose) {
  Image image(16, 8);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 16; ++x) {
      uint8_t a = static_cast<uint8_t>(x * 16 + 15);
      uint8_t* p = image.Row(y) + x * 4;
      p[0] = static_cast<uint8_t>(a * y / 8);  // premultiplied: channel <= alpha
      p[1] = static_cast<uint8_t>(a / 2);
      p[2] = a;
      p[3] = a;
    }
  }
  auto path = TempDir() / "alpha.png";
  ASSERT_TRUE(WritePng(path, image).ok());
  Result<Image> back = ReadPng(path);
  ASSERT_TRUE(back.ok());
  for (size_t i = 0; i < image.pixels.size(); ++i) EXPECT_NEAR(back->pixels[i], image.pixels[i], 1) << i;
  std::filesystem::remove_all(path.parent_path());
}

TEST(PngTest, ReadingSomethingElseNamesTheFile) {
  auto path = TempDir() / "not-a-picture.png";
  ASSERT_TRUE(WriteFileAtomic(path, "this is plain text, not a PNG").ok());
  Result<Image> image = ReadPng(path);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().ToString().find("not-a-picture.png"), std::string::npos) << image.error().ToString();
  EXPECT_EQ(image.error().code, ErrorCode::kBadInput);

  // A PNG signature followed by garbage.
  ASSERT_TRUE(WriteFileAtomic(path, std::string("\x89PNG\r\n\x1a\n", 8) + "garbage garbage garbage").ok());
  image = ReadPng(path);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().ToString().find("not-a-picture.png"), std::string::npos) << image.error().ToString();

  Result<Image> missing = ReadPng(path.parent_path() / "missing.png");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().ToString().find("missing.png"), std::string::npos);
  std::filesystem::remove_all(path.parent_path());
}

}  // namespace
}  // namespace rw
