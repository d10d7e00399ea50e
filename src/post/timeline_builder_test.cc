#include "post/timeline_builder.h"

#include <gtest/gtest.h>

namespace rw {
namespace {

TEST(TimelineBuilder, PlacesClipsLinesCuesAndMarkersExactly) {
  Bible bible;
  Character c;
  c.id = "C01";
  c.name = "Vera";
  bible.characters = {c};
  Beats beats;
  Beat hook;
  hook.id = "B01";
  hook.function = BeatFunction::kHook;
  Beat payoff;
  payoff.id = "B02";
  payoff.function = BeatFunction::kPayoff;
  payoff.satisfaction = "face-slap";
  beats.beats = {hook, payoff};
  Shots shots;
  Shot a;
  a.id = "S001";
  a.beat = "B01";
  a.duration_s = 2.0;
  Shot b;
  b.id = "S002";
  b.beat = "B02";
  b.duration_s = 63.0 / 30;
  b.lines = {"L001"};
  shots.shots = {a, b};
  VoiceTrack voice;
  voice.lines.push_back({"L001", "C01", "Not this time.", "voice/L001.wav", 48000, 1.0});
  FormatSettings format;

  Timeline tl = BuildTimeline("ep001", shots, voice, beats, bible, format, 0.1);
  EXPECT_EQ(tl.frames, 60 + 63);
  ASSERT_EQ(tl.video.size(), 2u);
  EXPECT_EQ(tl.video[1].start_frame, 60);
  EXPECT_EQ(tl.video[1].frames, 63);
  EXPECT_EQ(tl.video[1].clip, "clips/S002.mp4");
  ASSERT_EQ(tl.dialogue.size(), 1u);
  EXPECT_EQ(tl.dialogue[0].start_sample, 2 * 48000 + 4800);
  ASSERT_EQ(tl.cues.size(), 1u);
  EXPECT_EQ(tl.cues[0].start_ms, 2100);
  EXPECT_EQ(tl.cues[0].end_ms, 3100);
  EXPECT_EQ(tl.cues[0].character, "Vera");
  ASSERT_EQ(tl.markers.size(), 2u);
  EXPECT_EQ(tl.markers[0].name, "hook");
  EXPECT_EQ(tl.markers[0].frame, 0);
  EXPECT_EQ(tl.markers[1].name, "satisfaction: face-slap");
  EXPECT_EQ(tl.markers[1].frame, 60);
}

}  // namespace
}  // namespace rw
