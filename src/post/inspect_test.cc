#include "post/inspect.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "post/ff_testing.h"
#include "post/presets.h"
#include "post/render.h"
#include "post/video_writer.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

// A one-second episode rendered with the label and authorship tags the pipeline writes.
fs::path RenderTagged(const fs::path& dir, bool label) {
  fs::create_directories(dir / "clips");
  auto writer = VideoWriter::Open(dir / "clips/S001.mp4", 64, 112, 30, ClipEncodeOptions{});
  EXPECT_TRUE(writer.ok());
  for (int i = 0; i < 30; ++i) EXPECT_TRUE((*writer)->Write(ff::testing::GradientFrame(64, 112, i, 30)).ok());
  EXPECT_TRUE((*writer)->Finish().ok());
  Timeline tl;
  tl.width = 64, tl.height = 112, tl.fps = 30, tl.frames = 30;
  tl.video = {TimelineVideo{"S001", "clips/S001.mp4", 0, 30}};
  RenderPreset preset = *FindPreset("preview");
  preset.width = 64, preset.height = 112;
  RenderOptions options;
  options.metadata = {{"title", "Test ep001"}, {"authorship", "person 25% of lines (30% of words); model:builtin 75% of lines (70% of words)"}};
  if (label)
    options.metadata.push_back({"AIGC", R"({"AIGC":{"Label":"1","ContentProducer":"reelwright","ProduceID":"abc","ReservedCode1":"","ContentPropagator":"reelwright","PropagateID":"abc","ReservedCode2":""}})"});
  fs::path out = dir / (label ? "labelled.mp4" : "bare.mp4");
  auto stats = RenderEpisode(tl, dir, {}, preset, out, nullptr, options);
  EXPECT_TRUE(stats.ok()) << stats.error().ToString();
  return out;
}

class InspectTest : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("rw_inspect_" + std::to_string(::getpid()));
  void TearDown() override { fs::remove_all(dir_); }
};

TEST_F(InspectTest, ReadsTheLabelAndAuthorshipBack) {
  auto m = InspectMedia(RenderTagged(dir_, true));
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_TRUE(m->labelled);
  EXPECT_EQ(m->aigc["ContentProducer"], "reelwright");
  EXPECT_EQ(m->width, 64);
  EXPECT_EQ(m->video_codec, "h264");
  std::string text = FormatInspection(*m);
  EXPECT_NE(text.find("AI-content label (implicit, AIGC tag): AI-generated"), std::string::npos) << text;
  EXPECT_NE(text.find("authorship: person 25% of lines"), std::string::npos) << text;
  EXPECT_NE(text.find("ProduceID: abc"), std::string::npos) << text;
  EXPECT_EQ(InspectionJson(*m)["tags"]["title"], "Test ep001");
}

TEST_F(InspectTest, AFileWithoutTheLabelSaysSo) {
  auto m = InspectMedia(RenderTagged(dir_, false));
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_FALSE(m->labelled);
  EXPECT_NE(FormatInspection(*m).find("AI-content label: MISSING"), std::string::npos);
}

TEST_F(InspectTest, MissingAndNonMediaFilesAreClearErrors) {
  auto missing = InspectMedia(dir_ / "nope.mp4");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().ExitCode(), 2);
  fs::create_directories(dir_);
  FILE* f = std::fopen((dir_ / "notes.mp4").c_str(), "w");
  std::fputs("not a video", f);
  std::fclose(f);
  auto junk = InspectMedia(dir_ / "notes.mp4");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().where, (dir_ / "notes.mp4").string());
}

}  // namespace
}  // namespace rw
