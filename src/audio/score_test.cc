#include "audio/score.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace rw {
namespace {

struct Episode {
  std::vector<Beat> beats;
  std::vector<ScoreBeat> spans;
};

Episode Make(double valence, double arousal) {
  Episode e;
  const BeatFunction functions[] = {BeatFunction::kHook, BeatFunction::kConflict, BeatFunction::kPayoff, BeatFunction::kCliffhanger};
  for (int i = 0; i < 4; ++i) {
    Beat b;
    b.id = "B0" + std::to_string(i + 1);
    b.function = functions[i];
    b.emotion = {valence, arousal};
    if (b.function == BeatFunction::kPayoff) b.satisfaction = "face-slap";
    e.beats.push_back(b);
  }
  for (size_t i = 0; i < e.beats.size(); ++i) e.spans.push_back({&e.beats[i], 10.0 * i, 10.0 * (i + 1)});
  return e;
}

// The pad's chord in the first bar, as intervals above its lowest note.
std::vector<int> FirstChord(const Score& s) {
  std::vector<int> keys;
  for (const auto& n : s.notes)
    if (n.channel == 0 && n.start_s == 0) keys.push_back(n.key);
  std::sort(keys.begin(), keys.end());
  int lowest = keys.empty() ? 0 : keys.front();
  for (int& k : keys) k -= lowest;
  return keys;
}

TEST(Score, DarkBeatsAreMinorBrightOnesMajor) {
  Episode dark = Make(-0.6, 0.5), bright = Make(0.6, 0.5);
  EXPECT_EQ(FirstChord(ComposeScore(dark.spans, 40, 7)), (std::vector<int>{0, 3, 7}));
  EXPECT_EQ(FirstChord(ComposeScore(bright.spans, 40, 7)), (std::vector<int>{0, 4, 7}));
}

TEST(Score, ArousalSetsTheTempoAndStingsMarkThePayoffAndTheCliffhanger) {
  Episode calm = Make(0.3, 0.2), wild = Make(-0.5, 0.95);
  Score slow = ComposeScore(calm.spans, 40, 1), fast = ComposeScore(wild.spans, 40, 1);
  EXPECT_LT(slow.tempo_bpm, fast.tempo_bpm);
  EXPECT_EQ(fast.stings, 2);  // the payoff's satisfaction point and the cliffhanger
  std::set<double> sting_times;
  for (const auto& n : fast.notes)
    if (n.channel == 3) sting_times.insert(n.start_s);
  EXPECT_EQ(sting_times, (std::set<double>{20, 30}));
  // Heated beats have drums; calm ones do not.
  auto drums = [](const Score& s) { return std::count_if(s.notes.begin(), s.notes.end(), [](const ScoreNote& n) { return n.channel == 9 && n.key == 36; }); };
  EXPECT_EQ(drums(slow), 0);
  EXPECT_GT(drums(fast), 10);
}

TEST(Score, NothingSoundsPastTheEndAndTheSameInputGivesTheSameScore) {
  Episode e = Make(-0.4, 0.7);
  Score a = ComposeScore(e.spans, 33, 3), b = ComposeScore(e.spans, 33, 3);
  ASSERT_EQ(a.notes.size(), b.notes.size());
  for (const auto& n : a.notes) EXPECT_LE(n.start_s + n.duration_s, 33 + 1e-9);
  EXPECT_EQ(WriteMidi(a), WriteMidi(b));
}

TEST(Score, TheMidiFileIsWellFormed) {
  Episode e = Make(0.5, 0.8);
  Score s = ComposeScore(e.spans, 40, 2);
  std::string midi = WriteMidi(s);
  ASSERT_GT(midi.size(), 22u);
  EXPECT_EQ(midi.substr(0, 4), "MThd");
  EXPECT_EQ(midi.substr(14, 4), "MTrk");
  uint32_t length = (static_cast<uint8_t>(midi[18]) << 24) | (static_cast<uint8_t>(midi[19]) << 16) |
                    (static_cast<uint8_t>(midi[20]) << 8) | static_cast<uint8_t>(midi[21]);
  EXPECT_EQ(length, midi.size() - 22);
  EXPECT_EQ(midi.substr(midi.size() - 3), std::string("\xFF\x2F\x00", 3));  // end of track
}

TEST(Score, FluidSynthRendersItTheSameEveryTime) {
  auto soundfont = FindSoundfont("");
  ASSERT_TRUE(soundfont.ok()) << soundfont.error().ToString();
  Episode e = Make(-0.5, 0.8);
  Score s = ComposeScore(e.spans, 6, 4);
  auto a = RenderScore(s, *soundfont, 48000);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->channels, 2);
  EXPECT_EQ(a->Frames(), 6 * 48000);
  double energy = 0;
  for (int16_t v : a->samples) energy += static_cast<double>(v) * v;
  EXPECT_GT(std::sqrt(energy / a->samples.size()), 200);  // music, not silence
  auto b = RenderScore(s, *soundfont, 48000);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->samples, b->samples);
  EXPECT_FALSE(FindSoundfont("/nonexistent.sf2").ok());
}

}  // namespace
}  // namespace rw
