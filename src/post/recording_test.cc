#include "post/recording.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace rw {
namespace {

namespace fs = std::filesystem;

// `seconds` of a take: room noise at about -60 dBFS, and a 300 Hz "voice" at about -12 dBFS from
// `voice_from` to `voice_to`.
Pcm Take(int rate, int channels, double seconds, double voice_from, double voice_to) {
  Pcm p;
  p.sample_rate = rate;
  p.channels = channels;
  uint32_t noise = 12345;
  for (int64_t i = 0; i < static_cast<int64_t>(seconds * rate); ++i) {
    double t = static_cast<double>(i) / rate;
    noise = noise * 1664525u + 1013904223u;
    double v = (static_cast<double>(noise >> 16) / 32768.0 - 1) * 30;
    if (t >= voice_from && t < voice_to) v += 8000 * std::sin(2 * M_PI * 300 * t);
    for (int c = 0; c < channels; ++c) p.samples.push_back(static_cast<int16_t>(v));
  }
  return p;
}

class RecordingTest : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("rw_recording_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
};

TEST_F(RecordingTest, SilenceAroundTheLineIsTrimmedAndTheRateConverted) {
  // A stereo 48 kHz take: 1.2 s of room tone, 1.5 s of speech, 0.8 s of room tone.
  ASSERT_TRUE(WriteWav(dir_ / "take.wav", Take(48000, 2, 3.5, 1.2, 2.7)).ok());
  auto r = PrepareRecording(dir_ / "take.wav", 22050);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->pcm.sample_rate, 22050);
  EXPECT_EQ(r->pcm.channels, 1);
  EXPECT_NEAR(r->source_seconds, 3.5, 0.01);
  // The speech and 150 ms either side: 1.8 s.
  EXPECT_NEAR(r->pcm.Seconds(), 1.8, 0.03);
  EXPECT_NEAR(r->trimmed_head_s, 1.05, 0.03);
  EXPECT_NEAR(r->trimmed_tail_s, 0.65, 0.03);
}

TEST_F(RecordingTest, ASilentFileIsAClearError) {
  ASSERT_TRUE(WriteWav(dir_ / "silent.wav", Take(44100, 1, 2.0, 0, 0)).ok());
  auto r = PrepareRecording(dir_ / "silent.wav", 22050);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, (dir_ / "silent.wav").string());
  EXPECT_NE(r.error().message.find("no speech"), std::string::npos);
  FILE* f = std::fopen((dir_ / "notes.wav").c_str(), "w");
  std::fputs("these are my notes", f);
  std::fclose(f);
  auto junk = PrepareRecording(dir_ / "notes.wav", 22050);
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().ExitCode(), 2);
}

TEST_F(RecordingTest, TheMouthFollowsTheLoudness) {
  Pcm take = Take(22050, 1, 1.0, 0.3, 0.7);
  auto visemes = EnvelopeVisemes(take);
  ASSERT_GE(visemes.size(), 3u);
  EXPECT_EQ(visemes.front().second, "rest");
  bool open_in_speech = false;
  for (const auto& [t, v] : visemes) {
    if (v == "AI") {
      EXPECT_GE(t, 0.24);
      EXPECT_LT(t, 0.7);
      open_in_speech = true;
    }
  }
  EXPECT_TRUE(open_in_speech);
  EXPECT_EQ(visemes.back().second, "rest");
}

}  // namespace
}  // namespace rw
