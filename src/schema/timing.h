// The one model of screen time that the writer (estimating) and the shot planner (deciding
// action shots' length) share, so the writer's estimate and the real timeline agree.
// Dialogue time is estimated here only before voicing; after it, measured WAV durations rule.
#pragma once

#include <string_view>

namespace rw {

// Seconds a speaker at `rate_wpm` needs for `text`. Chinese is counted in characters at
// about 4.2 per second at the default rate.
double EstimateSpeechSeconds(std::string_view text, int rate_wpm);
// Seconds an action paragraph holds the screen: 1.6 s plus reading time, 2 to 4 s.
double ActionShotSeconds(std::string_view text);
// Air between a line and the next shot.
inline constexpr double kLinePadSeconds = 0.25;

}  // namespace rw
