// Test-only helpers the story tests share: writing a whole series with the built-in writer, the
// rhythm template measured on a written episode, and screenplay equality. Header-only; never
// included by library code.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"
#include "schema/timing.h"
#include "story/fountain.h"
#include "story/genre_pack.h"
#include "story/writer.h"

namespace rw::testing {

// A series as the built-in writer makes it: bible, arc, and every episode's beats and script.
struct WrittenSeries {
  Bible bible;
  Arc arc;
  std::vector<Beats> beats;
  std::vector<std::string> scripts;
};

inline WrittenSeries WriteSeries(const Settings& settings, const GenrePack& pack) {
  WrittenSeries s;
  auto bible = WriteBible(settings, pack);
  EXPECT_TRUE(bible.ok()) << (bible.ok() ? "" : bible.error().ToString());
  if (!bible.ok()) return s;
  s.bible = *bible;
  s.arc = WriteArc(settings, s.bible, pack);
  for (int e = 1; e <= settings.episodes; ++e) {
    s.beats.push_back(WriteBeats(settings, s.bible, s.arc, e, pack));
    s.scripts.push_back(WriteScript(settings, s.bible, s.beats.back(), pack));
  }
  return s;
}

// Equal in everything but `line` and `forced` (a writer adds forcing marks where a paragraph
// needs them).
inline bool SameElements(const Screenplay& a, const Screenplay& b) {
  if (a.title_page != b.title_page || a.elements.size() != b.elements.size()) return false;
  for (size_t i = 0; i < a.elements.size(); ++i) {
    const auto& x = a.elements[i];
    const auto& y = b.elements[i];
    if (x.kind != y.kind || x.text != y.text || x.extension != y.extension || x.dual != y.dual ||
        x.section_depth != y.section_depth || x.scene_number != y.scene_number)
      return false;
  }
  return true;
}

// Screen time of each beat, measured from the script the way the shot planner will; every cue
// must name a bible character.
inline std::map<std::string, double> BeatSecondsFromScript(const Bible& bible, const Screenplay& script) {
  std::map<std::string, double> seconds;
  for (const auto& u : ScriptUnits(script)) {
    if (u.kind == ScriptUnit::Kind::kAction) {
      seconds[u.beat] += ActionShotSeconds(u.text);
    } else {
      const Character* c = bible.FindCharacterByName(u.character);
      EXPECT_NE(c, nullptr) << "cue '" << u.character << "' is not in the bible";
      if (c) seconds[u.beat] += EstimateSpeechSeconds(u.text, c->voice.rate) + kLinePadSeconds;
    }
  }
  return seconds;
}

// The beats meet the template: a hook at 0, the first conflict and climax in time, a cliffhanger
// last and inside the closing window, the total (`total` seconds) within the episode's bounds.
inline void ExpectMeetsRhythm(const Beats& beats, double total, const RhythmSettings& rhythm) {
  ASSERT_FALSE(beats.beats.empty());
  EXPECT_EQ(beats.beats.front().function, BeatFunction::kHook);
  EXPECT_EQ(beats.beats.front().target_s, 0);
  double conflict = -1, climax = -1;
  for (const auto& b : beats.beats) {
    if (b.function == BeatFunction::kConflict && conflict < 0) conflict = b.target_s;
    if (b.function == BeatFunction::kClimax && climax < 0) climax = b.target_s;
  }
  EXPECT_GE(conflict, 0);
  EXPECT_LE(conflict, rhythm.conflict_by_s);
  EXPECT_GE(climax, 0);
  EXPECT_LE(climax, rhythm.climax_by_s);
  EXPECT_EQ(beats.beats.back().function, BeatFunction::kCliffhanger);
  EXPECT_GE(beats.beats.back().target_s, total - rhythm.cliffhanger_window_s);
  EXPECT_GE(total, rhythm.min_episode_s);
  EXPECT_LE(total, rhythm.max_episode_s);
}

}  // namespace rw::testing
