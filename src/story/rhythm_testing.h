// Test-only: the rhythm template measured on a written episode, shared by the writer, pack and
// Chinese tests. Header-only; never included by library code.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/settings.h"
#include "schema/timing.h"
#include "story/fountain.h"

namespace rw::testing {

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
