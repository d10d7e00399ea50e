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
  EXPECT_EQ(PresetNames(), (std::vector<std::string>{"master", "preview", "douyin", "kuaishou", "tiktok", "shorts", "reelshort"}));
}

TEST(PresetsTest, PlatformsAsTheyPublishThem) {
  for (const auto& name : PresetNames()) {
    auto p = FindPreset(name);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->width * 16, p->height * 9) << name;  // vertical 9:16
    EXPECT_GE(p->width, 540) << name;
    EXPECT_LE(p->video_bitrate, p->max_bitrate) << name;
  }
  EXPECT_EQ(FindPreset("douyin")->max_bytes, 128LL * 1024 * 1024);
  EXPECT_EQ(FindPreset("tiktok")->max_bytes, 500LL * 1024 * 1024);
  EXPECT_DOUBLE_EQ(FindPreset("shorts")->gop_seconds, 0.5);  // half the frame rate
  EXPECT_EQ(FindPreset("shorts")->audio_bitrate, 384'000);
  EXPECT_EQ(FindPreset("reelshort")->width, 1080);
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
