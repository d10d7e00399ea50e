#include "post/presets.h"

#include <gtest/gtest.h>

namespace rw {
namespace {

TEST(PresetsTest, MasterAndPreview) {
  auto master = FindPreset("master");
  ASSERT_TRUE(master.ok());
  EXPECT_EQ(master->width, 1080);
  EXPECT_EQ(master->height, 1920);
  EXPECT_EQ(master->fps, 30);
  EXPECT_EQ(master->video_bitrate, 10'000'000);
  EXPECT_EQ(master->max_bitrate, 12'000'000);
  EXPECT_EQ(master->x264_preset, "veryfast");
  auto preview = FindPreset("preview");
  ASSERT_TRUE(preview.ok());
  EXPECT_EQ(preview->width, 540);
  EXPECT_EQ(preview->height, 960);
  EXPECT_EQ(preview->video_bitrate, 2'000'000);
  EXPECT_EQ(preview->max_bitrate, 3'000'000);
  EXPECT_EQ(PresetNames(), (std::vector<std::string>{"master", "preview"}));
}

TEST(PresetsTest, UnknownNameListsTheKnownOnes) {
  auto found = FindPreset("4k");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::kBadInput);
  EXPECT_NE(found.error().message.find("4k"), std::string::npos);
  EXPECT_NE(found.error().message.find("master"), std::string::npos);
  EXPECT_NE(found.error().message.find("preview"), std::string::npos);
}

}  // namespace
}  // namespace rw
