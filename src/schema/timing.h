// The one model of screen time that the writer (estimating) and the shot planner (deciding
// action shots' length) share, so the writer's estimate and the real timeline agree.
// Dialogue time is estimated here only before voicing; after it, measured WAV durations rule.
#pragma once

#include <string_view>

namespace rw {

// Seconds a speaker at `rate_wpm` needs for `text`. Chinese (any CJK in the text) is counted
// per character, about 0.25 s a character at 165 wpm (espeak-ng's cmn voice, measured).
double EstimateSpeechSeconds(std::string_view text, int rate_wpm);
// Seconds an action paragraph holds the screen: 1.6 s plus reading time (0.08 s a word; 0.05 s
// a character for Chinese), 2 to 4 s.
double ActionShotSeconds(std::string_view text);
// Air between a line and the next shot.
inline constexpr double kLinePadSeconds = 0.25;

}  // namespace rw
