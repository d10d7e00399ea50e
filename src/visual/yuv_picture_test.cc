#include "visual/yuv_picture.h"

#include <gtest/gtest.h>

#include <cairo.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "visual/motion.h"
#include "visual/visual_testing.h"

namespace rw {
namespace {

using testing::TestCard;

// Three planes of 4:2:0 with rows a little wider than the picture, as an AVFrame has them.
struct Frame {
  Frame(int w, int h) {
    for (int p = 0; p < 3; ++p) {
      const int pw = p == 0 ? w : w / 2, ph = p == 0 ? h : h / 2;
      bytes[p].assign(static_cast<size_t>(pw + 24) * ph, 0);
      planes.data[p] = bytes[p].data();
      planes.stride[p] = pw + 24;
      width[p] = pw;
      height[p] = ph;
    }
  }
  uint8_t At(int p, int x, int y) const { return bytes[p][static_cast<size_t>(y) * planes.stride[p] + x]; }
  bool SameAs(const Frame& other) const {
    for (int p = 0; p < 3; ++p)
      for (int y = 0; y < height[p]; ++y)
        if (std::memcmp(bytes[p].data() + static_cast<size_t>(y) * planes.stride[p],
                        other.bytes[p].data() + static_cast<size_t>(y) * planes.stride[p], width[p]) != 0)
          return false;
    return true;
  }
  std::vector<uint8_t> bytes[3];
  YuvPlanes planes;
  int width[3], height[3];
};

Image Solid(int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  Image image(width, height);
  for (size_t i = 0; i < image.pixels.size(); i += 4) {
    image.pixels[i] = b, image.pixels[i + 1] = g, image.pixels[i + 2] = r, image.pixels[i + 3] = 255;
  }
  return image;
}

TEST(YuvPicture, ColoursAreBt709LimitedRange) {
  struct Case { uint8_t r, g, b; int y, u, v; };
  for (const Case& c : {Case{255, 255, 255, 235, 128, 128}, Case{0, 0, 0, 16, 128, 128}, Case{255, 0, 0, 63, 102, 240},
                        Case{0, 255, 0, 173, 42, 26}, Case{0, 0, 255, 32, 240, 118}}) {
    YuvPicture picture = YuvPicture::FromImage(Solid(8, 4, c.r, c.g, c.b));
    EXPECT_EQ(picture.Row(0, 1)[3], c.y) << int(c.r) << "," << int(c.g) << "," << int(c.b);
    EXPECT_EQ(picture.Row(1, 1)[2], c.u) << int(c.r) << "," << int(c.g) << "," << int(c.b);
    EXPECT_EQ(picture.Row(2, 1)[2], c.v) << int(c.r) << "," << int(c.g) << "," << int(c.b);
  }
}

TEST(YuvPicture, AViewAtZoomOneOnTheCentreIsThePictureItself) {
  const int w = 200, h = 356;
  YuvPicture picture = YuvPicture::FromImage(TestCard(w, h));
  Frame frame(w, h);
  ZoomScratch scratch;
  DrawZoomed(picture, {1.0, w / 2.0, h / 2.0}, frame.planes, &scratch);
  for (int p = 0; p < 3; ++p)
    for (int y = 0; y < picture.PlaneHeight(p); ++y)
      ASSERT_EQ(std::memcmp(picture.Row(p, y), frame.bytes[p].data() + static_cast<size_t>(y) * frame.planes.stride[p],
                            picture.PlaneWidth(p)),
                0)
          << "plane " << p << " row " << y;
}

TEST(YuvPicture, TheFastPathDrawsTheSameBytesAsThePortableOne) {
  const int w = 1080 / 4, h = 1920 / 4;  // widths that leave a part group of 16 on each plane
  YuvPicture picture = YuvPicture::FromImage(TestCard(w, h));
  ZoomScratch scratch;
  for (CameraMove move : {CameraMove::kPushIn, CameraMove::kPanLeft, CameraMove::kTiltDown}) {
    Motion motion(TestCard(w, h), move, w, h, 30);
    for (int i = 0; i < 30; i += 7) {
      Motion::View v = motion.ViewAt(i);
      Frame fast(w, h), portable(w, h);
      DrawZoomed(picture, {v.zoom, v.center_x, v.center_y}, fast.planes, &scratch);
      DrawZoomedPortable(picture, {v.zoom, v.center_x, v.center_y}, portable.planes, &scratch);
      EXPECT_TRUE(fast.SameAs(portable)) << "move " << static_cast<int>(move) << " frame " << i;
    }
  }
  // Zoom below 1 (never asked by Motion) takes the portable loop and still draws.
  Frame wide(w, h), portable(w, h);
  DrawZoomed(picture, {0.8, w / 2.0, h / 2.0}, wide.planes, &scratch);
  DrawZoomedPortable(picture, {0.8, w / 2.0, h / 2.0}, portable.planes, &scratch);
  EXPECT_TRUE(wide.SameAs(portable));
}

TEST(YuvPicture, ItAgreesWithMotionsOwnFrames) {
  // The renderer draws a shot this way instead of decoding the clip Motion's frames were encoded
  // into: the two must show the same picture, up to rounding.
  const int w = 270, h = 480;
  Image still = TestCard(w, h);
  Motion motion(still, CameraMove::kPushIn, w, h, 20);
  YuvPicture picture = YuvPicture::FromImage(still);
  ZoomScratch scratch;
  Image rgb;
  for (int i : {0, 10, 19}) {
    motion.Render(i, &rgb);
    YuvPicture expected = YuvPicture::FromImage(rgb);
    Frame frame(w, h);
    Motion::View v = motion.ViewAt(i);
    DrawZoomed(picture, {v.zoom, v.center_x, v.center_y}, frame.planes, &scratch);
    double sum = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) sum += std::abs(frame.At(0, x, y) - expected.Row(0, y)[x]);
    EXPECT_LT(sum / (w * h), 1.0) << "frame " << i;
  }
}

TEST(YuvPicture, TheViewMovesBySubPixelSteps) {
  // A vertical edge: shifting the view by a tenth of a pixel moves the drawn edge by a tenth.
  const int w = 64, h = 16;
  Image image = Solid(w, h, 0, 0, 0);
  for (int y = 0; y < h; ++y) {
    for (int x = w / 2; x < w; ++x) std::memset(image.Row(y) + 4 * x, 255, 4);
  }
  YuvPicture picture = YuvPicture::FromImage(image);
  ZoomScratch scratch;
  double previous = -1;
  for (int step = 0; step <= 10; ++step) {
    Frame frame(w, h);
    DrawZoomed(picture, {1.0, w / 2.0 + step * 0.1, h / 2.0}, frame.planes, &scratch);
    double bright = 0;  // how much of the row is lit, in pixels
    for (int x = 0; x < w; ++x) bright += (frame.At(0, x, 8) - 16) / 219.0;
    if (step > 0) {
      EXPECT_NEAR(bright - previous, 0.1, 0.03) << "step " << step;
    }
    previous = bright;
  }
}

}  // namespace
}  // namespace rw
