#include "visual/motion.h"

#include <gtest/gtest.h>

#include <cairo.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "visual/painter.h"
#include "visual/visual_testing.h"

namespace rw {
namespace {

using testing::TestCard;

double MeanAbsDiff(const Image& a, const Image& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
  return sum / static_cast<double>(a.pixels.size());
}

std::vector<double> ConsecutiveDiffs(const Motion& motion) {
  Image previous(motion.out_width(), motion.out_height()), current(motion.out_width(), motion.out_height());
  motion.Render(0, &previous);
  std::vector<double> diffs;
  for (int i = 1; i < motion.frames(); ++i) {
    motion.Render(i, &current);
    diffs.push_back(MeanAbsDiff(previous, current));
    std::swap(previous, current);
  }
  return diffs;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

TEST(MotionTest, PushInStartsOnTheStillAndEndsZoomed) {
  Image still = TestCard(270, 480);
  Motion motion(still, CameraMove::kPushIn, 270, 480, 90);
  Image first(270, 480), last(270, 480);
  motion.Render(0, &first);
  motion.Render(89, &last);
  EXPECT_LT(MeanAbsDiff(first, still), 0.5);
  EXPECT_GT(MeanAbsDiff(last, still), 5.0);
  EXPECT_NEAR(motion.ViewAt(89).zoom, Motion::kMoveZoom, 1e-9);
  // The centre pixel stays put under a zoom about the centre.
  const uint8_t* a = first.Row(240) + 135 * 4;
  const uint8_t* b = last.Row(240) + 135 * 4;
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(a[c], b[c], 12);
}

TEST(MotionTest, CoverFitsAnyAspect) {
  // A wide 16:9 still into a 9:16 frame: scaled to cover the height, centre cropped.
  Image wide = TestCard(640, 360);
  Motion motion(wide, CameraMove::kStatic, 180, 320, 10);
  Image frame(180, 320);
  motion.Render(0, &frame);
  for (int y = 0; y < 320; y += 40) {
    for (int x = 0; x < 180; x += 30) EXPECT_EQ(frame.Row(y)[x * 4 + 3], 255) << x << "," << y;
  }
  // The output of a wrongly sized image is reallocated.
  Image wrong(10, 10);
  motion.Render(3, &wrong);
  EXPECT_EQ(wrong.width, 180);
  EXPECT_EQ(wrong.height, 320);
}

TEST(MotionTest, PushInAndPanAreSmooth) {
  Image still = TestCard(270, 480);
  for (CameraMove move : {CameraMove::kPushIn, CameraMove::kPanLeft, CameraMove::kTiltUp, CameraMove::kPullOut}) {
    Motion motion(still, move, 270, 480, 90);
    std::vector<double> diffs = ConsecutiveDiffs(motion);
    double median = Median(diffs);
    double max = *std::max_element(diffs.begin(), diffs.end());
    std::printf("move %d: median step %.3f, max step %.3f\n", static_cast<int>(move), median, max);
    EXPECT_GT(median, 0.0);
    EXPECT_LT(max, 3 * median);
    // No jitter: neighbouring steps differ by little (the eased speed changes gently). The
    // 0.1 floor admits the one-level rounding change between the exact frame 0 (an identity
    // copy) and the first bilinear frame: measured 0.07, invisible.
    for (size_t i = 1; i < diffs.size(); ++i) {
      EXPECT_LT(std::abs(diffs[i] - diffs[i - 1]), 0.5 * median + 0.1) << i;
    }
  }
}

// Where a dark-to-bright vertical edge crosses row `y`, to a fraction of a pixel: the edge sits
// at the end of [from, to) minus the bright pixels' share of the window.
double EdgeX(const Image& image, int y, int from, int to) {
  double bright = 0;
  for (int x = from; x < to; ++x) bright += image.Row(y)[4 * x] / 255.0;
  return to - bright;
}

// A slow push-in (zoom 1.00 -> 1.12 over 10 s) moves an edge a quarter of the way in by 8 px in
// all: about 0.04 px a frame at its fastest. Sampling at fractional offsets moves it a little on
// every frame; sampling snapped to whole pixels (a crop rounded to integers, nearest-neighbour)
// would hold it still for dozens of frames and then jump a whole pixel: the visible stepping of
// a "jittery" push-in.
TEST(MotionTest, ASlowPushInMovesBySubPixelStepsEveryFrame) {
  const int w = 270, h = 480, frames = 300;
  Image still(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t v = x < 68 ? 0 : 255;  // the edge at x = 68, 67 px left of the centre
      uint8_t* px = still.Row(y) + 4 * x;
      px[0] = px[1] = px[2] = v;
      px[3] = 255;
    }
  }
  Motion motion(still, CameraMove::kPushIn, w, h, frames);
  Image frame(w, h);
  std::vector<double> edge;
  for (int i = 0; i < frames; ++i) {
    motion.Render(i, &frame);
    edge.push_back(EdgeX(frame, h / 2, 20, 110));
  }
  EXPECT_NEAR(edge.front(), 68, 0.01);
  EXPECT_NEAR(edge.back(), 135 - 67 * Motion::kMoveZoom, 0.1);
  // The middle half of the move, where it is fastest: every frame a step, none a jump.
  for (int i = frames / 4; i < 3 * frames / 4; ++i) {
    const double step = edge[i] - edge[i + 1];
    EXPECT_GT(step, 0.01) << "frame " << i << ": the edge did not move";
    EXPECT_LT(step, 0.1) << "frame " << i << ": the edge jumped";
  }
}

TEST(MotionTest, PansSlideAcrossTheSpareWidth) {
  Motion left(TestCard(270, 480), CameraMove::kPanLeft, 270, 480, 30);
  Motion right(TestCard(270, 480), CameraMove::kPanRight, 270, 480, 30);
  EXPECT_GT(left.ViewAt(0).center_x, left.ViewAt(29).center_x);
  EXPECT_LT(right.ViewAt(0).center_x, right.ViewAt(29).center_x);
  double spare = 135 * (1 - 1 / Motion::kMoveZoom);
  EXPECT_NEAR(left.ViewAt(0).center_x, 135 + spare, 1e-9);
  EXPECT_NEAR(right.ViewAt(29).center_x, 135 + spare, 1e-9);
  Motion up(TestCard(270, 480), CameraMove::kTiltUp, 270, 480, 30);
  EXPECT_GT(up.ViewAt(0).center_y, up.ViewAt(29).center_y);
}

TEST(MotionTest, StaticShotStillDrifts) {
  Image still = TestCard(270, 480);
  Motion motion(still, CameraMove::kStatic, 270, 480, 60);
  Image first(270, 480), last(270, 480);
  motion.Render(0, &first);
  motion.Render(59, &last);
  EXPECT_GT(MeanAbsDiff(first, last), 0.5);
  EXPECT_NEAR(motion.ViewAt(59).zoom, Motion::kStaticZoom, 1e-9);
}

TEST(MotionTest, SingleFrameAndOutOfRangeIndices) {
  Image still = TestCard(64, 64);
  Motion motion(still, CameraMove::kPushIn, 64, 64, 1);
  Image frame(64, 64);
  motion.Render(5, &frame);
  EXPECT_LT(MeanAbsDiff(frame, still), 0.5);
  motion.Render(-3, &frame);
  EXPECT_LT(MeanAbsDiff(frame, still), 0.5);
}

// Prints the render time of a full-size frame (reported, not asserted).
TEST(MotionTest, Timing) {
  PanelSpec spec;
  spec.type = ShotType::kMS;
  spec.location_kind = "office";
  Result<Image> panel = PaintPanel(spec);
  ASSERT_TRUE(panel.ok());
  auto start = std::chrono::steady_clock::now();
  Motion motion(*panel, CameraMove::kPushIn, 1080, 1920, 120);
  double setup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Image frame(1080, 1920);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 120; ++i) motion.Render(i, &frame);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / 120;
  std::printf("Motion 1080x1920: setup %.1f ms, Render %.2f ms per frame (push-in)\n", setup_ms, ms);
  Motion pan(*panel, CameraMove::kPanLeft, 1080, 1920, 120);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 120; ++i) pan.Render(i, &frame);
  ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / 120;
  std::printf("Motion 1080x1920: Render %.2f ms per frame (pan-left)\n", ms);
}

}  // namespace
}  // namespace rw
