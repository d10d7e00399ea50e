// The renderer draws a built-in shot from its plate (the stills and the camera move) instead of
// decoding its clip, and decodes the clip again as soon as the plate no longer matches it.
#include "app/plate_drawers.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "base/file.h"
#include "base/hash.h"
#include "base/progress.h"
#include "post/ff_testing.h"
#include "post/presets.h"
#include "post/render.h"
#include "visual/motion.h"
#include "visual/painter.h"
#include "visual/png.h"
#include "visual/yuv_picture.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

constexpr int kW = 180, kH = 320, kFrames = 30;

class PlateDrawersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    dir_ = fs::temp_directory_path() / ("rw_plates_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "clips");
    fs::create_directories(dir_ / "frames");
    PanelSpec spec;
    spec.width = kW + 24;  // another size than the frame: the plate fits it as Motion does
    spec.height = kH + 40;
    spec.shot_id = "S001";
    spec.location_kind = "office";
    auto still = PaintPanel(spec);
    ASSERT_TRUE(still.ok());
    still_ = *still;
    ASSERT_TRUE(WritePng(dir_ / "frames/S001.png", still_).ok());
    // Not a video at all: a render that decodes it fails, one that draws the plate does not.
    ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/S001.mp4", "not a video").ok());
    Plate plate;
    plate.clip_sha256 = Sha256File((dir_ / "clips/S001.mp4").string());
    plate.move = CameraMove::kPushIn;
    plate.frames = kFrames;
    plate.fps = 30;
    plate.width = kW;
    plate.height = kH;
    plate.stills = {{"frames/S001.png", Sha256File((dir_ / "frames/S001.png").string())}};
    ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/S001.plate.json", PlateJson(plate)).ok());
    timeline_.name = "ep001";
    timeline_.frames = kFrames;
    timeline_.video = {{"S001", "clips/S001.mp4", 0, kFrames}};
    preset_ = *FindPreset("preview");
    preset_.width = kW;
    preset_.height = kH;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<RenderStats> Render(ItemDrawers* drawers) {
    RenderOptions options;
    options.drawers = drawers;
    return RenderEpisode(timeline_, dir_, {}, preset_, dir_ / "ep001.mp4", nullptr, options);
  }

  fs::path dir_;
  Image still_;
  Timeline timeline_;
  RenderPreset preset_;
};

TEST_F(PlateDrawersTest, AShotWithAPlateIsDrawnFromItsStillNotDecoded) {
  PlateDrawers drawers(dir_);
  EXPECT_FALSE(drawers.Fingerprint(timeline_.video[0]).empty());
  auto drawn = Render(&drawers);
  ASSERT_TRUE(drawn.ok()) << drawn.error().ToString();
  EXPECT_FALSE(Render(nullptr).ok()) << "without the plate the clip is decoded, and it is no video";

  // The episode shows Motion's frames of the still, up to the encoder's loss.
  Motion motion(still_, CameraMove::kPushIn, kW, kH, kFrames);
  auto luma = ff::testing::LumaFrames(dir_ / "ep001.mp4", {0, 15, 29});
  ASSERT_EQ(luma.size(), 3u);
  Image rgb;
  for (int i : {0, 15, 29}) {
    motion.Render(i, &rgb);
    YuvPicture expected = YuvPicture::FromImage(rgb);
    double sum = 0;
    for (int y = 0; y < kH; ++y) {
      for (int x = 0; x < kW; ++x) sum += std::abs(luma[i][static_cast<size_t>(y) * kW + x] - expected.Row(0, y)[x]);
    }
    EXPECT_LT(sum / (kW * kH), 3.0) << "frame " << i;
  }
}

TEST_F(PlateDrawersTest, APlateNoLongerMatchingItsClipOrStillIsIgnored) {
  // A person's own clip in place of the built-in one: their clip is what plays.
  ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/S001.mp4", "a person's clip").ok());
  PlateDrawers after_clip(dir_);
  EXPECT_TRUE(after_clip.Fingerprint(timeline_.video[0]).empty());
  auto decoded = Render(&after_clip);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().where.find("S001.mp4"), std::string::npos) << decoded.error().ToString();

  // A still repainted since the plate was written.
  ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/S001.mp4", "not a video").ok());
  PlateDrawers before(dir_);
  EXPECT_FALSE(before.Fingerprint(timeline_.video[0]).empty());
  Image other = still_;
  other.pixels[0] ^= 0xff;
  ASSERT_TRUE(WritePng(dir_ / "frames/S001.png", other).ok());
  PlateDrawers after_still(dir_);
  EXPECT_TRUE(after_still.Fingerprint(timeline_.video[0]).empty());

  // A damaged plate.
  ASSERT_TRUE(WriteFileAtomic(dir_ / "clips/S001.plate.json", "{\"schema\": \"Plate.1\"").ok());
  PlateDrawers damaged(dir_);
  EXPECT_TRUE(damaged.Fingerprint(timeline_.video[0]).empty());
}

TEST(Plate, ARoundTripKeepsEveryField) {
  Plate plate;
  plate.clip_sha256 = "abc";
  plate.move = CameraMove::kTiltDown;
  plate.frames = 3;
  plate.fps = 25;
  plate.width = 540;
  plate.height = 960;
  plate.stills = {{"clips/S002.m0.png", "1"}, {"clips/S002.m1.png", "2"}};
  plate.pick = "010";
  auto back = ParsePlate(PlateJson(plate), "S002.plate.json");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(PlateJson(*back), PlateJson(plate));
  plate.pick = "012";  // names a third still it does not list
  auto bad = ParsePlate(PlateJson(plate), "S002.plate.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "S002.plate.json");
}

}  // namespace
}  // namespace rw
