// The rule-based shot planner: one shot per action paragraph or dialogue line, its scale and
// camera move chosen from the beat's function and emotion, its length from the measured voice.
//
// Rules, in order: the first shot at a new location is an establishing LS/WS with a pan (when
// the scene opens on a line, a kEstablishingSeconds wide shot "Ennn" is put before it);
// dialogue goes closer as arousal rises (MCU → CU → ECU on climaxes and cliffhangers); action
// with several people is MS/MLS/LS; no scale three times in a row; push-in on rising tension,
// pull-out on reveals (payoff, reversal). Every shot's prompt carries the look tokens of each
// character in frame, the location's tokens and the series style, so a character looks the
// same in every shot (DESIGN.md §5).
#pragma once

#include <string>
#include <vector>

#include "schema/beats.h"
#include "schema/bible.h"
#include "schema/shots.h"

namespace rw {

inline constexpr double kEstablishingSeconds = 1.0;

// One unit of the script as the planner sees it.
struct ShotUnit {
  bool dialogue = false;
  std::string beat;           // beat id
  std::string location;       // location id
  std::string speaker;        // character id (dialogue)
  std::string line;           // line id (dialogue): L001
  std::string text;           // action paragraph or spoken line
  std::string parenthetical;  // "coldly"
  double seconds = 0;         // measured voice duration (dialogue) or action hold
};

// Seconds of picture before a line starts, and after it ends.
inline constexpr double kLineLeadSeconds = 0.12;

// Replaces @C01 with the character's name, look tokens and colours, @L01 with the location's
// heading and look, @style with the series style. Unknown references stay as written.
std::string ExpandPrompt(const std::string& prompt, const Bible& bible);

Shots PlanShots(int episode, const Bible& bible, const Beats& beats, const std::vector<ShotUnit>& units, int fps,
                uint64_t seed);

// The prompt for a shot, by reference to the bible's asset library: shot type and move, "@C01"
// for each character in frame (the speaker marked), "@L01" for the location, "@style" for the
// series style. A person may edit it like any text; ExpandPrompt resolves the references.
std::string ShotPrompt(const Shot& shot, const Bible& bible);

}  // namespace rw
