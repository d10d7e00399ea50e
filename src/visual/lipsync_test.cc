#include "visual/lipsync.h"

#include <gtest/gtest.h>

namespace rw {
namespace {

TEST(LipSync, VisemesOpenTheMouthByShape) {
  EXPECT_EQ(MouthOpenness("MBP"), 0);
  EXPECT_EQ(MouthOpenness("rest"), 0);
  EXPECT_GT(MouthOpenness("O"), MouthOpenness("E"));
  EXPECT_EQ(MouthOpenness("AI"), 1);
  EXPECT_EQ(MouthOpenness("unknown"), MouthOpenness("etc"));
}

TEST(LipSync, TheTrackFollowsTheLineInShotTime) {
  // At 10 fps: a line from 0.5 s to 1.2 s, "AI" at its start, "MBP" 0.3 s in, "E" 0.5 s in.
  LineMouth line{0.5, 1.2, {{0, "AI"}, {0.3, "MBP"}, {0.5, "E"}}};
  std::vector<uint8_t> track = MouthTrack({line}, 15, 10);
  std::vector<uint8_t> want = {0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0};
  EXPECT_EQ(track, want);
}

TEST(LipSync, NoLinesKeepTheMouthClosed) {
  EXPECT_EQ(MouthTrack({}, 4, 30), std::vector<uint8_t>(4, 0));
  EXPECT_TRUE(MouthTrack({}, 0, 30).empty());
}

}  // namespace
}  // namespace rw
