// A person's voice: a recording dropped into episodes/epNNN/takes/ replaces the line's synthesized
// voice; its silence is trimmed, and the line's timing and subtitle follow it.
#include <gtest/gtest.h>

#include <cmath>

#include "app/pipeline.h"
#include "app/series.h"
#include "base/file.h"
#include "base/progress.h"
#include "base/wav.h"
#include "schema/timeline.h"
#include "schema/voice_track.h"
#include "schema/yaml_io.h"

namespace rw {
namespace {

// Room tone, then `voice_s` of a 220 Hz "voice", then room tone: 44.1 kHz stereo, as a phone records.
Pcm Take(double before_s, double voice_s, double after_s, bool silent = false) {
  Pcm p;
  p.sample_rate = 44100;
  p.channels = 2;
  uint32_t noise = 99;
  int64_t total = static_cast<int64_t>((before_s + voice_s + after_s) * 44100);
  for (int64_t i = 0; i < total; ++i) {
    double t = static_cast<double>(i) / 44100;
    noise = noise * 1664525u + 1013904223u;
    double v = (static_cast<double>(noise >> 16) / 32768.0 - 1) * 20;
    if (!silent && t >= before_s && t < before_s + voice_s) v += 9000 * std::sin(2 * M_PI * 220 * t);
    p.samples.push_back(static_cast<int16_t>(v));
    p.samples.push_back(static_cast<int16_t>(v));
  }
  return p;
}

class TakesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::SetMode(false, true);
    root_ = fs::temp_directory_path() / ("rw_takes_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    Settings s;
    s.idea = "A wife betrayed by her husband comes back as his biggest investor.";
    s.episodes = 1;
    s.seed = 6;
    s.preset = "preview";
    s.music.enabled = false;
    ASSERT_TRUE(CreateSeries(root_, s).ok());
  }
  void TearDown() override { fs::remove_all(root_); }
  Result<BuildSummary> Build(const std::string& until) {
    BuildRequest r;
    r.until = until;
    return BuildSeries(root_, r);
  }
  fs::path root_;
};

TEST_F(TakesTest, ARecordingReplacesTheVoiceAndTheTimingFollowsIt) {
  ASSERT_TRUE(Build("subtitles").ok());
  auto before = LoadYaml<VoiceTrack>(root_ / "episodes/ep001/voice/lines.yaml", "lines.yaml");
  ASSERT_TRUE(before.ok());
  ASSERT_GE(before->lines.size(), 3u);
  const int rate = before->sample_rate;

  fs::create_directories(root_ / "episodes/ep001/takes");
  ASSERT_TRUE(WriteWav(root_ / "episodes/ep001/takes/L002.wav", Take(1.0, 2.5, 1.2)).ok());
  auto built = Build("subtitles");
  ASSERT_TRUE(built.ok()) << built.error().ToString();

  auto after = LoadYaml<VoiceTrack>(root_ / "episodes/ep001/voice/lines.yaml", "lines.yaml");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->sample_rate, rate) << "the recording comes at the track's rate";
  const VoiceLine& line = after->lines[1];
  EXPECT_EQ(line.id, "L002");
  // 2.5 s of speech and 150 ms either side; the 1.0 s and 1.2 s of room tone are gone.
  EXPECT_NEAR(line.duration_s, 2.8, 0.05);
  auto wav = ReadWav(root_ / "episodes/ep001/voice/L002.wav");
  ASSERT_TRUE(wav.ok());
  EXPECT_EQ(wav->sample_rate, rate);
  EXPECT_EQ(wav->channels, 1);
  // The other lines keep their voices.
  EXPECT_EQ(after->lines[0].samples, before->lines[0].samples);
  // The subtitle lasts as long as the recording.
  auto tl = LoadYaml<Timeline>(root_ / "episodes/ep001/timeline.json", "timeline.json");
  ASSERT_TRUE(tl.ok());
  for (const auto& cue : tl->cues)
    if (cue.line == "L002") {
      EXPECT_NEAR((cue.end_ms - cue.start_ms) / 1000.0, 2.8, 0.1);
    }
  // Lip-sync data follows the recording's loudness.
  auto visemes = ReadFile(root_ / "episodes/ep001/voice/L002.visemes.json");
  ASSERT_TRUE(visemes.ok());
  EXPECT_NE(visemes->find("loudness of a recording"), std::string::npos);
  // Nothing changes on a second build; a new take re-voices.
  auto again = Build("subtitles");
  ASSERT_TRUE(again.ok());
  for (const auto& r : again->reports) EXPECT_NE(r.outcome, StageOutcome::kRan) << r.name;
  ASSERT_TRUE(WriteWav(root_ / "episodes/ep001/takes/L002.wav", Take(0.5, 1.5, 0.5)).ok());
  ASSERT_TRUE(Build("subtitles").ok());
  auto third = LoadYaml<VoiceTrack>(root_ / "episodes/ep001/voice/lines.yaml", "lines.yaml");
  ASSERT_TRUE(third.ok());
  EXPECT_NEAR(third->lines[1].duration_s, 1.8, 0.05);
}

TEST_F(TakesTest, ASilentRecordingIsAClearErrorNamingIt) {
  ASSERT_TRUE(Build("voice").ok());
  fs::create_directories(root_ / "episodes/ep001/takes");
  ASSERT_TRUE(WriteWav(root_ / "episodes/ep001/takes/L001.wav", Take(1, 1, 1, true)).ok());
  auto built = Build("voice");
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().ToString().find((root_ / "episodes/ep001/takes/L001.wav").string()), std::string::npos) << built.error().ToString();
  EXPECT_NE(built.error().message.find("no speech"), std::string::npos) << built.error().message;
}

}  // namespace
}  // namespace rw
