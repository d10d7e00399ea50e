#include "post/mix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "base/wav.h"

namespace rw {
namespace {

namespace fs = std::filesystem;

Pcm Sine(double hz, double seconds, double amplitude, int channels, int rate = 48000) {
  Pcm p;
  p.sample_rate = rate;
  p.channels = channels;
  auto frames = static_cast<size_t>(seconds * rate);
  for (size_t i = 0; i < frames; ++i) {
    auto v = static_cast<int16_t>(std::lround(amplitude * 32767 * std::sin(2 * std::numbers::pi * hz * i / rate)));
    for (int c = 0; c < channels; ++c) p.samples.push_back(v);
  }
  return p;
}

// Level of one frequency in the left channel of [from, to) s (Goertzel), in dB.
double ToneDb(const std::vector<float>& mix, double hz, double from, double to) {
  auto a = static_cast<size_t>(from * kMixSampleRate), b = static_cast<size_t>(to * kMixSampleRate);
  double w = 2 * std::numbers::pi * hz / kMixSampleRate, coeff = 2 * std::cos(w), s1 = 0, s2 = 0;
  for (size_t i = a; i < b; ++i) {
    double s = mix[2 * i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return 10 * std::log10(power / ((b - a) * (b - a)) + 1e-30);
}

class MixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rw_mix_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "voice");
    ASSERT_TRUE(WriteWav(dir_ / "voice/L001.wav", Sine(200, 3, 0.05, 1, 24000)).ok());  // quiet, at another rate
    ASSERT_TRUE(WriteWav(dir_ / "music.wav", Sine(1000, 12, 0.3, 2)).ok());
    timeline_.fps = 30;
    timeline_.sample_rate = 48000;
    timeline_.frames = 12 * 30;
    timeline_.dialogue.push_back({"L001", "voice/L001.wav", 4 * 48000, 0});
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  Timeline timeline_;
};

TEST_F(MixTest, DeliveryLoudnessAndTruePeak) {
  MixStats stats;
  MixSettings settings;
  auto mix = MixEpisode(timeline_, dir_, dir_ / "music.wav", settings, 12 * 48000, &stats);
  ASSERT_TRUE(mix.ok()) << mix.error().ToString();
  EXPECT_TRUE(stats.music);
  EXPECT_NEAR(stats.integrated_lufs, -14, 0.5);
  EXPECT_LE(stats.true_peak_dbtp, -1.5 + 0.05);
  // The meter agrees with what the mix reports.
  auto measured = MeasureLoudness(*mix, 2, kMixSampleRate);
  ASSERT_TRUE(measured.ok());
  EXPECT_NEAR(measured->first, stats.integrated_lufs, 0.01);
}

TEST_F(MixTest, TheScoreDucksUnderDialogue) {
  auto mix = MixEpisode(timeline_, dir_, dir_ / "music.wav", MixSettings{}, 12 * 48000, nullptr);
  ASSERT_TRUE(mix.ok());
  double open = ToneDb(*mix, 1000, 1, 3.5), under = ToneDb(*mix, 1000, 4.5, 6.5), after = ToneDb(*mix, 1000, 8, 11);
  EXPECT_NEAR(open - under, 12, 1.0);  // duck_db
  EXPECT_NEAR(after, open, 0.5);       // and back
  // The line itself is there, raised to dialogue level though it was recorded quiet.
  EXPECT_GT(ToneDb(*mix, 200, 4.5, 6.5), ToneDb(*mix, 200, 1, 3.5) + 30);
}

TEST_F(MixTest, WithoutAScoreOnlyTheDialogueIsNormalised) {
  MixStats stats;
  auto mix = MixEpisode(timeline_, dir_, {}, MixSettings{}, 12 * 48000, &stats);
  ASSERT_TRUE(mix.ok());
  EXPECT_FALSE(stats.music);
  EXPECT_NEAR(stats.integrated_lufs, -14, 0.5);
  EXPECT_LT(ToneDb(*mix, 1000, 1, 3.5), -80);
}

}  // namespace
}  // namespace rw
