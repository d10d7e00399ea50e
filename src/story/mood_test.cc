// A beat's emotion picks its mood, and the mood picks the lines that open it: the writer draws a
// beat's opening block (an action or an exchange) from the pack's pool for that function and mood. These
// tests give a real pack marked mood pools, so every line says which pool it came from.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/revise.h"
#include "story/story_testing.h"
#include "story/writer.h"

namespace rw {
namespace {

const std::filesystem::path kGenres = std::filesystem::path(RW_SOURCE_DIR) / "data/genres";

// "fury" → "Fury": the marker every line of that pool carries.
std::string Marker(Mood mood) {
  std::string m = EnumName(mood);
  m[0] = static_cast<char>(m[0] - 'a' + 'A');
  return m;
}

// revenge/en with every mood pool of every function replaced by marked lines.
GenrePack MarkedPack() {
  auto loaded = LoadGenrePack(kGenres, "revenge", "en");
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().ToString());
  GenrePack pack = loaded.ok() ? *loaded : GenrePack{};
  BeatLibrary& b = pack.beats;
  int function = 0;
  for (BeatTemplates* t : {&b.hook, &b.setup, &b.conflict, &b.reversal, &b.payoff, &b.climax, &b.cliffhanger}) {
    BeatMoods& moods = t->moods;
    for (auto [pool, mood] : {std::pair{&moods.fury, Mood::kFury}, {&moods.grief, Mood::kGrief},
                              {&moods.triumph, Mood::kTriumph}, {&moods.tender, Mood::kTender}}) {
      *pool = {};
      for (int i = 0; i < 6; ++i) {
        std::string tag = Marker(mood) + " " + std::to_string(function) + "." + std::to_string(i);
        pool->actions.push_back(tag + ": {HERO} stands still.");
        pool->exchanges.push_back({"HERO: " + tag + " speaks.", "VILLAIN: " + tag + " answers."});
      }
    }
    ++function;
  }
  return pack;
}

Settings MakeSettings(int seed) {
  Settings s;
  s.idea = "A wife betrayed by her husband fakes her death and returns as his biggest investor.";
  s.episodes = 6;
  s.seed = seed;
  return s;
}

// The moods whose markers a beat's section of the script carries.
std::set<Mood> MoodsIn(const std::string& section) {
  std::set<Mood> found;
  for (const auto& [mood, name] : EnumNames<Mood>::kNames)
    if (section.find(Marker(mood) + " ") != std::string::npos) found.insert(mood);
  return found;
}

TEST(Moods, EmotionNamesTheQuadrant) {
  EXPECT_EQ(MoodOf({-0.6, 0.8}), Mood::kFury);
  EXPECT_EQ(MoodOf({-0.6, 0.3}), Mood::kGrief);
  EXPECT_EQ(MoodOf({0.7, 0.9}), Mood::kTriumph);
  EXPECT_EQ(MoodOf({0.4, 0.4}), Mood::kTender);
  EXPECT_EQ(MoodOf({0.0, 0.6}), Mood::kTriumph);  // the boundaries belong to the bright and heated side
}

TEST(Moods, EveryBeatOpensWithItsOwnMoodsLines) {
  GenrePack pack = MarkedPack();
  std::map<Mood, int> seen;
  std::map<BeatFunction, std::set<Mood>> per_function;
  for (int seed = 1; seed <= 4; ++seed) {
    auto series = testing::WriteSeries(MakeSettings(seed), pack);
    for (size_t e = 0; e < series.beats.size(); ++e) {
      auto script = ParseFountain(series.scripts[e], "script.fountain");
      ASSERT_TRUE(script.ok()) << script.error().ToString();
      for (const Beat& beat : series.beats[e].beats) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " episode " + std::to_string(e + 1) + " " + beat.id);
        std::string section = BeatSectionText(*script, beat.id);
        Mood mood = MoodOf(beat.emotion);
        auto moods = MoodsIn(section);
        // A cliffhanger may be its closing line alone; every other beat has content to open.
        if (moods.empty() && beat.function == BeatFunction::kCliffhanger) continue;
        EXPECT_EQ(moods, std::set<Mood>{mood}) << section;
        ++seen[mood];
        per_function[beat.function].insert(mood);
      }
    }
  }
  // The season uses every mood, and a function is not tied to one of them.
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_GE(per_function[BeatFunction::kConflict].size(), 2u);
  EXPECT_GE(per_function[BeatFunction::kPayoff].size(), 2u);
}

TEST(Moods, EditingABeatsEmotionChangesItsLines) {
  GenrePack pack = MarkedPack();
  Settings settings = MakeSettings(3);
  auto series = testing::WriteSeries(settings, pack);
  ASSERT_FALSE(series.beats.empty());
  Beats beats = series.beats[0];
  // The first conflict beat, turned to the opposite corner of the plane.
  Beat* conflict = nullptr;
  for (auto& b : beats.beats)
    if (b.function == BeatFunction::kConflict && !conflict) conflict = &b;
  ASSERT_NE(conflict, nullptr);
  Mood before = MoodOf(conflict->emotion);
  conflict->emotion = before == Mood::kTender ? Emotion{-0.7, 0.9} : Emotion{0.5, 0.3};
  Mood after = MoodOf(conflict->emotion);
  ASSERT_NE(before, after);

  auto old_script = ParseFountain(series.scripts[0], "script.fountain");
  auto new_script = ParseFountain(WriteScript(settings, series.bible, beats, pack), "script.fountain");
  ASSERT_TRUE(old_script.ok() && new_script.ok());
  EXPECT_EQ(MoodsIn(BeatSectionText(*old_script, conflict->id)), std::set<Mood>{before});
  EXPECT_EQ(MoodsIn(BeatSectionText(*new_script, conflict->id)), std::set<Mood>{after});
  // The other beats keep their moods.
  for (const Beat& b : beats.beats) {
    if (b.id == conflict->id || b.function == BeatFunction::kCliffhanger) continue;
    EXPECT_EQ(MoodsIn(BeatSectionText(*new_script, b.id)), std::set<Mood>{MoodOf(b.emotion)}) << b.id;
  }
}

}  // namespace
}  // namespace rw
