#include "post/video_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "post/ff_testing.h"

namespace rw {
namespace {

namespace fs = std::filesystem;
using ff::testing::GradientFrame;

class VideoWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rw_video_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(VideoWriterTest, WritesAnH264Clip) {
  const fs::path path = dir_ / "clips" / "s01.mp4";
  auto writer = VideoWriter::Open(path, 540, 960, 30, ClipEncodeOptions{});
  ASSERT_TRUE(writer.ok()) << writer.error().ToString();
  for (int i = 0; i < 45; ++i) {
    Status written = (*writer)->Write(GradientFrame(540, 960, i, 0));
    ASSERT_TRUE(written.ok()) << written.error().ToString();
  }
  EXPECT_FALSE(fs::exists(path)) << "the clip appears only when finished";
  Status finished = (*writer)->Finish();
  ASSERT_TRUE(finished.ok()) << finished.error().ToString();
  writer->reset();

  ASSERT_TRUE(fs::exists(path));
  int files = 0;
  for (const auto& entry : fs::directory_iterator(path.parent_path())) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1) << "no temp file left behind";

  ff::testing::FileInfo info = ff::testing::Probe(path);
  ASSERT_TRUE(info.ok);
  ASSERT_EQ(info.streams.size(), 1u);
  const auto& video = info.streams[0];
  EXPECT_EQ(video.type, AVMEDIA_TYPE_VIDEO);
  EXPECT_EQ(video.codec, AV_CODEC_ID_H264);
  EXPECT_EQ(video.profile, FF_PROFILE_H264_HIGH);
  EXPECT_EQ(video.width, 540);
  EXPECT_EQ(video.height, 960);
  EXPECT_EQ(video.pix_fmt, "yuv420p");
  EXPECT_EQ(video.packets, 45);
  EXPECT_NEAR(video.fps, 30.0, 0.01);
  EXPECT_NEAR(info.duration, 1.5, 0.05);

  int decoded = 0;
  ff::testing::DecodeAll(path, AVMEDIA_TYPE_VIDEO, [&](const AVFrame&, AVRational) { ++decoded; });
  EXPECT_EQ(decoded, 45);
}

TEST_F(VideoWriterTest, AbandonedWriterLeavesNoFile) {
  const fs::path path = dir_ / "s02.mp4";
  {
    auto writer = VideoWriter::Open(path, 64, 64, 30, ClipEncodeOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().ToString();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*writer)->Write(GradientFrame(64, 64, i, 1)).ok());
  }  // destroyed without Finish(), as when a build is killed or fails midway
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir_)) << "the temp file is removed too";
}

TEST_F(VideoWriterTest, RejectsAFrameOfTheWrongSize) {
  auto writer = VideoWriter::Open(dir_ / "s03.mp4", 64, 64, 30, ClipEncodeOptions{});
  ASSERT_TRUE(writer.ok());
  Status written = (*writer)->Write(GradientFrame(32, 64, 0, 0));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, ErrorCode::kBadInput);
  EXPECT_NE(written.error().where.find("s03.mp4"), std::string::npos);
}

TEST_F(VideoWriterTest, RejectsOddSizes) {
  auto writer = VideoWriter::Open(dir_ / "s04.mp4", 63, 64, 30, ClipEncodeOptions{});
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, ErrorCode::kBadInput);
}

}  // namespace
}  // namespace rw
